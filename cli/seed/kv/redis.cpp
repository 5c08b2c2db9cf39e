// The `redis` seed kind (hiredis): the declared keys, 2,000 at a time, read in one pipeline (type,
// value, TTL), compared with the declaration, and the missing or differing ones written in a
// second pipeline, each rewritten key in its own MULTI/EXEC (DEL, write, PEXPIRE) so a rewrite is
// never seen half done. Into an empty database (a first seed, a reset) nothing is read back and
// each string key is one write (SET k v PX ttl). `keys_file` (JSON lines of keys shaped as in
// `keys`) is streamed chunk by chunk, never held whole.
#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include <fmt/format.h>

#include "seed/aws/support.hpp"  // for_each_item: JSON lines or an array, streamed
#include "seed/data_support.hpp"
#include "seed/kind.hpp"
#include "util/duration.hpp"

namespace devenv {

namespace {

struct KeyDecl {
    std::string key;
    std::string type;  // string hash list set zset
    const Value* value = nullptr;
    long long ttl_ms = 0;  // 0 = none
};

std::vector<std::string> read_command(const KeyDecl& k) {
    if (k.type == "hash") return {"HGETALL", k.key};
    if (k.type == "list") return {"LRANGE", k.key, "0", "-1"};
    if (k.type == "set") return {"SMEMBERS", k.key};
    if (k.type == "zset") return {"ZRANGE", k.key, "0", "-1", "WITHSCORES"};
    return {"GET", k.key};
}

std::vector<std::string> texts(const Value& v) {
    std::vector<std::string> out;
    if (v.is_sequence())
        for (const auto& i : v.items()) out.push_back(i.text());
    else
        out.push_back(v.text());
    return out;
}

// Does the value read back equal the declaration?
bool same_value(const KeyDecl& k, const RedisReply& r) {
    const Value& v = *k.value;
    if (k.type == "string") return !r.nil && r.text == v.text();
    if (k.type == "list") return r.items == texts(v);
    if (k.type == "set") {
        auto want = texts(v);
        return std::set<std::string>(want.begin(), want.end()) == std::set<std::string>(r.items.begin(), r.items.end());
    }
    if (k.type == "hash") {
        std::map<std::string, std::string> have, want;
        for (std::size_t i = 0; i + 1 < r.items.size(); i += 2) have[r.items[i]] = r.items[i + 1];
        for (const auto& e : v.entries()) want[e.key] = e.value.text();
        return have == want;
    }
    // zset: scores compared as numbers ("10" and "10.0" are the same score)
    std::map<std::string, double> have, want;
    for (std::size_t i = 0; i + 1 < r.items.size(); i += 2) have[r.items[i]] = std::strtod(r.items[i + 1].c_str(), nullptr);
    for (const auto& e : v.entries()) want[e.key] = std::strtod(e.value.text().c_str(), nullptr);
    return have == want;
}

// The one command that writes the key's value (for a string with its TTL: SET ... PX).
std::vector<std::string> value_command(const KeyDecl& k) {
    const Value& v = *k.value;
    std::vector<std::string> w;
    if (k.type == "string") {
        w = {"SET", k.key, v.text()};
        if (k.ttl_ms > 0) {
            w.push_back("PX");
            w.push_back(std::to_string(k.ttl_ms));
        }
    } else if (k.type == "hash") {
        w = {"HSET", k.key};
        for (const auto& e : v.entries()) {
            w.push_back(e.key);
            w.push_back(e.value.text());
        }
    } else if (k.type == "zset") {
        w = {"ZADD", k.key};
        for (const auto& e : v.entries()) {
            w.push_back(e.value.text());
            w.push_back(e.key);
        }
    } else {
        w = {k.type == "list" ? "RPUSH" : "SADD", k.key};
        for (auto& t : texts(v)) w.push_back(std::move(t));
    }
    return w;
}

// A key that exists is rewritten in its own MULTI/EXEC (DEL, write, PEXPIRE), so no reader sees it
// half done. A key that does not exist needs no DEL: one command when it is a string (SET ... PX)
// or has no TTL; MULTI/EXEC only around a collection's write and its PEXPIRE.
std::vector<std::vector<std::string>> write_commands(const KeyDecl& k, bool exists) {
    std::vector<std::string> w = value_command(k);
    bool empty = w.size() <= 2;  // an empty collection is no key at all
    bool separate_ttl = k.ttl_ms > 0 && k.type != "string";
    if (!exists && !separate_ttl) {
        if (empty) return {};
        return {std::move(w)};
    }
    std::vector<std::vector<std::string>> cmds{{"MULTI"}};
    if (exists) cmds.push_back({"DEL", k.key});
    if (!empty) cmds.push_back(std::move(w));
    if (separate_ttl && !empty) cmds.push_back({"PEXPIRE", k.key, std::to_string(k.ttl_ms)});
    cmds.push_back({"EXEC"});
    return cmds;
}

// Pipelines of at most this many keys: the commands and replies of one chunk in memory, one round
// trip per chunk.
constexpr std::size_t kChunkKeys = 2000;

SchemaPtr key_schema() {
    using namespace schema;
    return object({req("key", string()), opt("type", choice({"string", "hash", "list", "set", "zset"})),
                   req("value", any()), opt("ttl", duration())});
}

KeyDecl key_decl(const Value& k) {
    KeyDecl d;
    d.key = k.find("key")->text();
    d.type = k.has("type") ? k.find("type")->text() : "string";
    d.value = k.find("value");
    if (const Value* ttl = k.find("ttl")) d.ttl_ms = parse_duration(ttl->text()).count();
    return d;
}

// One declaration's keys, chunk by chunk: read back (unless the database was empty), compared,
// and the missing or different ones written.
class RedisRun {
public:
    RedisRun(const SeedJob& job, SeedSink& sink, redisContext& conn, bool fresh)
        : job_(job), sink_(sink), conn_(conn), fresh_(fresh) {}

    void process(const std::vector<KeyDecl>& keys) {
        struct Pending {
            std::size_t index;
            Outcome outcome;
            std::string detail;
            bool exists;
        };
        std::vector<Pending> writes;
        if (fresh_) {
            // A collection declared twice must not be appended to twice: it is written as a
            // rewrite (DEL first); a string's SET replaces anyway.
            for (std::size_t i = 0; i < keys.size(); ++i) writes.push_back({i, Outcome::created, "", keys[i].type != "string"});
        } else {
            // Read: TYPE, PTTL and the declared type's read per key, the chunk in one round trip.
            std::vector<std::vector<std::string>> reads;
            for (const auto& k : keys) {
                reads.push_back({"TYPE", k.key});
                reads.push_back({"PTTL", k.key});
                reads.push_back(read_command(k));
            }
            auto replies = redis_pipeline(conn_, reads);
            for (std::size_t i = 0; i < keys.size(); ++i) {
                const KeyDecl& k = keys[i];
                const RedisReply& type = replies[3 * i];
                const RedisReply& pttl = replies[3 * i + 1];
                const RedisReply& value = replies[3 * i + 2];
                if (type.error) {
                    report(sink_, job_, "key " + k.key, Outcome::failed, type.text);
                    continue;
                }
                if (type.text == "none") {
                    writes.push_back({i, Outcome::created, "", false});
                    continue;
                }
                std::string why;
                if (type.text != k.type) why = fmt::format("was a {}", type.text);
                else if (!same_value(k, value)) why = "value differed";
                else if (k.ttl_ms > 0 && pttl.integer == -1) why = "had no TTL";
                else if (k.ttl_ms == 0 && pttl.integer > 0) why = "had a TTL";
                if (!why.empty()) writes.push_back({i, Outcome::drift, why + "; rewritten", true});
                else if (job_.force) writes.push_back({i, Outcome::updated, "rewritten (--force)", true});
                else report(sink_, job_, "key " + k.key, Outcome::unchanged);
            }
        }
        if (writes.empty() || interrupted(job_.target)) return;

        std::vector<std::vector<std::string>> cmds;
        std::vector<std::pair<std::size_t, std::size_t>> replies_of;  // each key's replies [first, end)
        for (const auto& w : writes) {
            std::size_t first = cmds.size();
            for (auto& c : write_commands(keys[w.index], w.exists)) cmds.push_back(std::move(c));
            replies_of.emplace_back(first, cmds.size());
        }
        auto results = redis_pipeline(conn_, cmds);
        for (std::size_t n = 0; n < writes.size(); ++n) {
            const std::string resource = "key " + keys[writes[n].index].key;
            std::string error;
            for (std::size_t i = replies_of[n].first; i < replies_of[n].second && error.empty(); ++i)
                if (results[i].error) error = results[i].text;
            if (!error.empty()) report(sink_, job_, resource, Outcome::failed, error);
            else report(sink_, job_, resource, writes[n].outcome, writes[n].detail);
        }
    }

private:
    const SeedJob& job_;
    SeedSink& sink_;
    redisContext& conn_;
    bool fresh_;
};

// keys_file: JSON lines (or a JSON array) of keys shaped as in `keys`, streamed chunk by chunk.
void seed_keys_file(const SeedJob& job, SeedSink& sink, RedisRun& run, const Value& file) {
    std::string resource = "keys of " + file.text();
    static const SchemaPtr schema = key_schema();
    std::deque<Value> held;  // the chunk's values (a deque: pointers into it stay valid)
    std::vector<KeyDecl> chunk;
    std::size_t n = 0;
    try {
        auto in = open_seed_file(*job.decl, file.text(), file);
        aws_seed::for_each_item(*in, file.text(), [&](nlohmann::json&& j) {
            ++n;
            held.push_back(Value::from_json(j));
            validate(held.back(), *schema, fmt::format("{}: key {}", file.text(), n));  // the item's place
            chunk.push_back(key_decl(held.back()));
            if (chunk.size() >= kChunkKeys) {
                run.process(chunk);
                chunk.clear();
                held.clear();
                if (interrupted(job.target)) throw Error(ErrorKind::interrupted, "interrupted");
            }
        });
        if (!chunk.empty()) run.process(chunk);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::interrupted) return;
        std::string where;
        if (e.where() && !e.where()->file.empty())
            where = fmt::format("{}:{}:{}: ", e.where()->file, e.where()->line, e.where()->column);
        if (!e.key_path().empty()) where += e.key_path() + ": ";
        if (e.kind() == ErrorKind::seed && e.message().starts_with("Redis:")) throw;  // the connection failed
        SourceLocation loc = file.mark().location();
        report(sink, job, resource, Outcome::failed,
               fmt::format("{}{} (declared at {}:{}:{})", where, e.message(), loc.file, loc.line, loc.column));
    }
}

void seed_redis(const SeedJob& job, SeedSink& sink) {
    const Value& spec = job.decl->spec;
    std::vector<KeyDecl> keys;
    if (const Value* list = spec.find("keys"))
        for (const auto& k : list->items()) keys.push_back(key_decl(k));
    const Value* file = spec.find("keys_file");
    auto conn = redis_connect(job.target.service->endpoint);
    std::string db = spec.has("db") ? spec.find("db")->text() : "0";
    auto selected = redis_pipeline(*conn, {{"SELECT", db}});
    if (selected[0].error) {
        for (const auto& k : keys) report(sink, job, "key " + k.key, Outcome::failed, fmt::format("SELECT {}: {}", db, selected[0].text));
        if (file) report(sink, job, "keys of " + file->text(), Outcome::failed, fmt::format("SELECT {}: {}", db, selected[0].text));
        return;
    }
    if ((keys.empty() && !file) || interrupted(job.target)) return;

    // An empty database (a first seed, or after the reset's FLUSHDB) holds none of the keys:
    // nothing to read back, every key is created.
    auto size = redis_pipeline(*conn, {{"DBSIZE"}});
    RedisRun run(job, sink, *conn, !size[0].error && size[0].integer == 0);
    for (std::size_t begin = 0; begin < keys.size(); begin += kChunkKeys) {
        if (interrupted(job.target)) return;
        std::vector<KeyDecl> chunk(keys.begin() + static_cast<std::ptrdiff_t>(begin),
                                   keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), begin + kChunkKeys)));
        run.process(chunk);
    }
    if (file && !interrupted(job.target)) seed_keys_file(job, sink, run, *file);
}

void redis_files(const Value& block, std::vector<const Value*>& out) {
    if (const Value* f = block.find("keys_file")) out.push_back(f);
}

SchemaPtr redis_schema() {
    using namespace schema;
    return object({opt("db", integer()), opt("keys", list(key_schema())), opt("keys_file", string())});
}

// ---- reset: FLUSHDB of the declared databases (FLUSHALL when a declaration names none), then
// the service's seed again.

void report_reset(SeedSink& sink, const ServiceSeedJob& job, std::string resource, Outcome outcome,
                  std::string detail = {}) {
    sink.add({job.target.service->name, "redis", std::move(resource), outcome, std::move(detail)});
}

void reset_redis(const ServiceSeedJob& job, SeedSink& sink) {
    auto conn = redis_connect(job.target.service->endpoint);
    std::set<std::string> dbs;
    bool all = false;
    auto decls = decls_of(job, "redis");
    for (const SeedDecl* d : decls) {
        if (const Value* db = d->spec.find("db")) dbs.insert(db->text());
        else all = true;
    }
    if (decls.empty()) all = true;
    if (all) {
        auto r = redis_pipeline(*conn, {{"FLUSHALL"}});
        if (r[0].error) return report_reset(sink, job, "all databases", Outcome::failed, "FLUSHALL: " + r[0].text);
        report_reset(sink, job, "all databases", Outcome::removed, "FLUSHALL");
    } else {
        for (const auto& db : dbs) {
            auto r = redis_pipeline(*conn, {{"SELECT", db}, {"FLUSHDB"}});
            std::string error = r[0].error ? "SELECT: " + r[0].text : r[1].error ? "FLUSHDB: " + r[1].text : "";
            if (!error.empty()) return report_reset(sink, job, "db " + db, Outcome::failed, error);
            report_reset(sink, job, "db " + db, Outcome::removed, "FLUSHDB");
        }
    }
    apply_service_seed(job, sink);
}

}  // namespace

extern const SeedKind redis_kind;
const SeedKind redis_kind{
    .name = "redis",
    .family = "kv",
    .summary = "keys of every type (string, hash, list, set, zset) with TTLs, in one database, inline or from a keys_file",
    .schema = redis_schema,
    .seed = seed_redis,
    .reset_template = "redis",
    .reset = reset_redis,
    .files = redis_files,
};

}  // namespace devenv

// The `redis` seed kind (hiredis): the declared keys, 2,000 at a time, read in one pipeline (the
// string keys' values in one MGET, their TTLs in one read-only script, a collection's TYPE and
// members), compared with the declaration, and the missing or differing ones written in a second
// pipeline, each rewritten key in its own MULTI/EXEC (DEL, write, PEXPIRE) so a rewrite is never
// seen half done. Into an empty database (a first seed, a reset) nothing is read back and each
// string key is one write (SET k v PX ttl). A chunk's commands stay on the wire while the next
// chunk is parsed.
// `keys_file` (JSON lines of keys shaped as in `keys`) is streamed chunk by chunk, never held
// whole, and reported as one resource with its keys counted.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

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

// Does a collection read back equal the declaration? (A string is compared with its MGET item.)
bool same_value(const KeyDecl& k, const RedisReply& r) {
    const Value& v = *k.value;
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

// Every key's PTTL in one command, so a chunk's read-back is not a PTTL command (and reply) per
// key: the reply names only the keys whose PTTL is not -1 (no TTL) as (1-based index, PTTL) pairs,
// so it stays small when the keys have no TTL, as most seeded keys do. -2: there is no such key.
// The script only reads. EVAL (not EVALSHA) needs no SCRIPT LOAD; Redis caches the compiled script.
constexpr const char* kTtlScript =
    "local r = {} for i = 1, #KEYS do local t = redis.call('PTTL', KEYS[i]) "
    "if t ~= -1 then r[#r + 1] = i r[#r + 1] = t end end return r";

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

// What a keys_file's keys came to, counted instead of reported one by one: a file of 100,000
// keys is one resource (as an items_file is), so the results held and shown stay the same size
// whatever the file's. A key that fails is still reported on its own.
struct KeyTally {
    std::size_t created = 0, updated = 0, drift = 0, unchanged = 0;
    std::size_t written() const { return created + updated + drift; }
};

// One declaration's keys, chunk by chunk: read back (unless the database was empty), compared,
// and the missing or different ones written.
class RedisRun {
public:
    RedisRun(const SeedJob& job, SeedSink& sink, redisContext& conn, bool fresh)
        : job_(job), sink_(sink), conn_(conn), fresh_(fresh) {}

    // While set, successful keys are counted here rather than reported.
    void tally_into(KeyTally* tally) { tally_ = tally; }

    // One chunk. Its commands go out at once; their replies are read when the next chunk has
    // been parsed (or at finish()), so Redis runs them while this process parses: into an empty
    // database the chunk's writes, else its reads, whose replies then decide its writes. `keep`
    // holds the values the KeyDecls point into, for as long as the chunk is in flight.
    void process(std::vector<KeyDecl> keys, std::deque<Value> keep = {}) {
        if (keys.empty()) return;
        auto chunk = std::make_unique<Chunk>(Chunk{std::move(keys), std::move(keep), {}, {}});
        if (fresh_) {
            // A collection declared twice must not be appended to twice: it is written as a
            // rewrite (DEL first); a string's SET replaces anyway.
            std::vector<Pending> writes;
            for (std::size_t i = 0; i < chunk->keys.size(); ++i)
                writes.push_back({i, Outcome::created, "", chunk->keys[i].type != "string"});
            send_writes(*chunk, writes);
        } else {
            // Read, the chunk in one round trip: the values of its string keys in one MGET, every
            // key's TTL in one script (kTtlScript), and for a collection its TYPE and the type's
            // read.
            std::vector<std::vector<std::string>> reads{{"MGET"}, {"EVAL", kTtlScript, std::to_string(chunk->keys.size())}};
            for (const auto& k : chunk->keys) {
                reads[1].push_back(k.key);
                if (k.type == "string") {
                    chunk->at.push_back(0);
                    chunk->mget_index.push_back(reads[0].size() - 1);
                    reads[0].push_back(k.key);
                } else {
                    chunk->at.push_back(reads.size());
                    chunk->mget_index.push_back(0);
                    reads.push_back({"TYPE", k.key});
                    reads.push_back(read_command(k));
                }
            }
            if (reads[0].size() == 1) reads[0] = {"ECHO", ""};  // no string key: MGET needs one
            redis_send(conn_, reads);
            queue_.push_back(Batch{next_id_++, true, std::move(chunk), {}, reads.size()});
        }
        // What went out before this chunk's commands: read it now (the writes that decides go
        // out behind them); this chunk's own stay on the wire while the next one is parsed.
        std::uint64_t mine = next_id_ - 1;
        while (!queue_.empty() && queue_.front().id != mine) take_front();
    }

    // Reads and reports every reply still owed. Call before the connection is used for anything
    // else, and once at the end.
    void finish() {
        while (!queue_.empty()) take_front();
    }

private:
    struct Pending {
        std::size_t index;
        Outcome outcome;
        std::string detail;
        bool exists;
    };
    struct Chunk {
        std::vector<KeyDecl> keys;
        std::deque<Value> keep;
        std::vector<std::size_t> at;          // reads: a collection's TYPE reply (its read follows)
        std::vector<std::size_t> mget_index;  // reads: a string key's place in the MGET
    };
    // A chunk's writes as sent: each key's outcome if its replies hold no error, and which
    // replies are its [first, end).
    struct SentKey {
        std::string key;
        Outcome outcome;
        std::string detail;
        std::size_t first, end;
    };
    struct Sent {
        std::vector<SentKey> keys;
    };
    // Commands on the wire whose replies are not read yet, in the order they were sent.
    struct Batch {
        std::uint64_t id;              // in the order sent
        bool reads;                    // a chunk's reads (else its writes)
        std::unique_ptr<Chunk> chunk;  // reads: the keys they are compared with
        Sent sent;                     // writes
        std::size_t replies = 0;
    };

    void send_writes(const Chunk& chunk, const std::vector<Pending>& writes) {
        written_after_.clear();
        if (writes.empty() || interrupted(job_.target)) return;
        Sent sent;
        std::vector<std::vector<std::string>> cmds;
        for (const auto& w : writes) {
            const KeyDecl& k = chunk.keys[w.index];
            std::size_t first = cmds.size();
            for (auto& c : write_commands(k, w.exists)) cmds.push_back(std::move(c));
            sent.keys.push_back({k.key, w.outcome, w.detail, first, cmds.size()});
            if (!fresh_) written_after_.insert(k.key);
        }
        redis_send(conn_, cmds);
        queue_.push_back(Batch{next_id_++, false, nullptr, std::move(sent), cmds.size()});
    }

    void take_front() {
        Batch b = std::move(queue_.front());
        queue_.pop_front();
        auto replies = redis_receive(conn_, b.replies);
        if (!b.reads) return conclude(b.sent, replies);
        // These reads went out before the previous chunk's writes (written_after_): a key that
        // chunk wrote was read as it was before, so it is written again, as declared here (the
        // later declaration wins, as it would one chunk at a time).
        std::set<std::string> stale;
        stale.swap(written_after_);
        const auto& keys = b.chunk->keys;
        std::vector<Pending> writes;
        const RedisReply& mget = replies[0];
        const RedisReply& ttls = replies[1];
        // The script names only the keys whose PTTL is not -1 (no TTL): (1-based index, PTTL) pairs.
        std::vector<long long> pttl(keys.size(), -1);
        for (std::size_t j = 0; !ttls.error && j + 1 < ttls.items.size(); j += 2) {
            auto i = std::strtoull(ttls.items[j].c_str(), nullptr, 10);
            if (i >= 1 && i <= keys.size()) pttl[i - 1] = std::strtoll(ttls.items[j + 1].c_str(), nullptr, 10);
        }
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const KeyDecl& k = keys[i];
            const bool string = k.type == "string";
            const std::size_t at = b.chunk->at[i];
            std::string error = mget.error && string ? mget.text : ttls.error ? "reading TTLs: " + ttls.text : std::string();
            // (A collection's read fails when the key holds another type: its TYPE says which.)
            if (!string && error.empty() && replies[at].error) error = replies[at].text;
            if (!error.empty()) {
                report(sink_, job_, "key " + k.key, Outcome::failed, error);
                continue;
            }
            if (stale.count(k.key)) {
                writes.push_back({i, Outcome::updated, "declared again; rewritten", true});
                continue;
            }
            if (pttl[i] == -2) {
                writes.push_back({i, Outcome::created, "", false});
                continue;
            }
            // A string compared where MGET holds it; a collection's type and members as read.
            std::string type = k.type;
            bool same = false;
            if (string) {
                std::size_t m = b.chunk->mget_index[i];
                if (m < mget.items.size() && !mget.item_nil[m]) same = mget.items[m] == k.value->text();
                else type = "";  // it exists, and MGET has no string for it
            } else {
                type = replies[at].text;
                same = type == k.type && same_value(k, replies[at + 1]);
            }
            std::string why;
            if (type.empty()) why = "held another type than string";
            else if (type != k.type) why = fmt::format("was a {}", type);
            else if (!same) why = "value differed";
            else if (k.ttl_ms > 0 && pttl[i] == -1) why = "had no TTL";
            else if (k.ttl_ms == 0 && pttl[i] > 0) why = "had a TTL";
            if (!why.empty()) writes.push_back({i, Outcome::drift, why + "; rewritten", true});
            else if (job_.force) writes.push_back({i, Outcome::updated, "rewritten (--force)", true});
            else done(k.key, Outcome::unchanged, {});
        }
        send_writes(*b.chunk, writes);
    }

    void conclude(const Sent& sent, const std::vector<RedisReply>& results) {
        for (const auto& k : sent.keys) {
            std::string error;
            for (std::size_t i = k.first; i < k.end && error.empty(); ++i)
                if (results[i].error) error = results[i].text;
            if (!error.empty()) report(sink_, job_, "key " + k.key, Outcome::failed, error);
            else done(k.key, k.outcome, k.detail);
        }
    }

    void done(const std::string& key, Outcome outcome, const std::string& detail) {
        if (!tally_) return report(sink_, job_, "key " + key, outcome, detail);
        switch (outcome) {
        case Outcome::created: ++tally_->created; break;
        case Outcome::drift: ++tally_->drift; break;
        case Outcome::unchanged: ++tally_->unchanged; break;
        default: ++tally_->updated; break;
        }
    }

    const SeedJob& job_;
    SeedSink& sink_;
    redisContext& conn_;
    bool fresh_;
    KeyTally* tally_ = nullptr;
    std::deque<Batch> queue_;
    std::uint64_t next_id_ = 1;
    std::set<std::string> written_after_;  // the keys of the last writes sent (see take_front)
};

// The file's one result: unchanged when nothing was written, created when every key was new,
// drift when a key had been changed (rewritten), else updated (--force).
void report_tally(SeedSink& sink, const SeedJob& job, const std::string& resource, const KeyTally& t) {
    auto keys = [](std::size_t n) { return fmt::format("{} key{}", n, n == 1 ? "" : "s"); };
    if (t.written() == 0) return report(sink, job, resource, Outcome::unchanged, keys(t.unchanged) + " as declared");
    std::vector<std::string> parts;
    if (t.created) parts.push_back(fmt::format("{} created", keys(t.created)));
    if (t.drift) parts.push_back(fmt::format("{} differed and rewritten", keys(t.drift)));
    if (t.updated) parts.push_back(fmt::format("{} rewritten (--force)", keys(t.updated)));
    if (t.unchanged) parts.push_back(fmt::format("{} unchanged", keys(t.unchanged)));
    Outcome o = t.drift ? Outcome::drift : t.updated || t.unchanged ? Outcome::updated : Outcome::created;
    report(sink, job, resource, o, fmt::format("{}", fmt::join(parts, ", ")));
}

// keys_file: JSON lines (or a JSON array) of keys shaped as in `keys`, streamed chunk by chunk.
void seed_keys_file(const SeedJob& job, SeedSink& sink, RedisRun& run, const Value& file) {
    std::string resource = "keys of " + file.text();
    static const SchemaPtr schema = key_schema();
    std::deque<Value> held;  // the chunk's values (a deque: pointers into it stay valid)
    std::vector<KeyDecl> chunk;
    std::size_t n = 0;
    KeyTally tally;
    run.tally_into(&tally);
    struct Untally {
        RedisRun& run;
        ~Untally() { run.tally_into(nullptr); }
    } untally{run};
    try {
        auto in = open_seed_file(*job.decl, file.text(), file);
        aws_seed::for_each_item(*in, file.text(), [&](nlohmann::json&& j) {
            ++n;
            held.push_back(Value::from_json(std::move(j)));
            // The item's place is only spelled out when it is wrong: validated again with it, the
            // check throws the same error, now naming "FILE: key N" (not formatted for every key).
            try {
                validate(held.back(), *schema, "");
            } catch (const Error&) {
                validate(held.back(), *schema, fmt::format("{}: key {}", file.text(), n));
                throw;
            }
            chunk.push_back(key_decl(held.back()));
            if (chunk.size() >= kChunkKeys) {
                run.process(std::move(chunk), std::move(held));
                chunk.clear();
                held.clear();
                if (interrupted(job.target)) throw Error(ErrorKind::interrupted, "interrupted");
            }
        });
        if (!chunk.empty()) run.process(std::move(chunk), std::move(held));
        run.finish();
        if (!interrupted(job.target)) report_tally(sink, job, resource, tally);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::seed && e.message().starts_with("Redis:")) throw;  // the connection failed
        run.finish();  // the chunk sent before the bad line: its keys are written, count them
        if (e.kind() == ErrorKind::interrupted) return;
        std::string where;
        if (e.where() && !e.where()->file.empty())
            where = fmt::format("{}:{}:{}: ", e.where()->file, e.where()->line, e.where()->column);
        if (!e.key_path().empty()) where += e.key_path() + ": ";
        SourceLocation loc = file.mark().location();
        std::string before = tally.written() + tally.unchanged == 0
                                 ? std::string()
                                 : fmt::format("; {} of its keys were in place before that", tally.written() + tally.unchanged);
        report(sink, job, resource, Outcome::failed,
               fmt::format("{}{} (declared at {}:{}:{}){}", where, e.message(), loc.file, loc.line, loc.column, before));
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
        if (interrupted(job.target)) {
            run.finish();
            return;
        }
        std::vector<KeyDecl> chunk(keys.begin() + static_cast<std::ptrdiff_t>(begin),
                                   keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), begin + kChunkKeys)));
        run.process(std::move(chunk));
    }
    run.finish();
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

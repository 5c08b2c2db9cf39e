// The `dynamodb` seed kind: tables (keys, GSIs/LSIs, billing, streams, TTL), then their items
// (seed/aws/dynamodb_items.cpp). Tables are seeded concurrently; each table's items wait until it
// is ACTIVE.
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "seed/aws/dynamodb_items.hpp"
#include "seed/aws/support.hpp"
#include "seed/kind.hpp"
#include "seed/check.hpp"

namespace devenv {

namespace {

using nlohmann::json;
using namespace aws_seed;

constexpr std::string_view kService = "dynamodb";

json key_schema(const Value& v) {
    json ks = json::array({{{"AttributeName", text(v.find("hash_key"))}, {"KeyType", "HASH"}}});
    if (const Value* r = v.find("range_key")) ks.push_back({{"AttributeName", r->text()}, {"KeyType", "RANGE"}});
    return ks;
}

json projection(const Value* p) {
    if (!p || p->is_null()) return {{"ProjectionType", "ALL"}};
    if (p->is_sequence()) {
        json attrs = json::array();
        for (const auto& a : p->items()) attrs.push_back(a.text());
        return {{"ProjectionType", "INCLUDE"}, {"NonKeyAttributes", attrs}};
    }
    return {{"ProjectionType", p->text()}};
}

json throughput(const Value* t, long long fallback_read = 5, long long fallback_write = 5) {
    return {{"ReadCapacityUnits", t ? integer(t->find("read"), fallback_read) : fallback_read},
            {"WriteCapacityUnits", t ? integer(t->find("write"), fallback_write) : fallback_write}};
}

bool provisioned(const Value& t) {
    if (const Value* b = t.find("billing_mode")) return b->text() == "PROVISIONED";
    return t.has("throughput");
}

json create_table_input(const Value& t) {
    std::set<std::string> used;
    auto use = [&](const Value& v) {
        used.insert(text(v.find("hash_key")));
        if (v.has("range_key")) used.insert(text(v.find("range_key")));
    };
    use(t);
    json in = {{"TableName", text(t.find("name"))}, {"KeySchema", key_schema(t)}};
    bool prov = provisioned(t);
    in["BillingMode"] = prov ? "PROVISIONED" : "PAY_PER_REQUEST";
    const Value* table_tp = t.find("throughput");
    if (prov) in["ProvisionedThroughput"] = throughput(table_tp);
    for (const char* kind : {"gsis", "lsis"}) {
        const Value* list = t.find(kind);
        if (!list || list->items().empty()) continue;
        json idx = json::array();
        for (const auto& g : list->items()) {
            use(g);
            json one = {{"IndexName", text(g.find("name"))}, {"KeySchema", key_schema(g)},
                        {"Projection", projection(g.find("projection"))}};
            if (prov && std::string_view(kind) == "gsis")
                one["ProvisionedThroughput"] = throughput(g.find("throughput") ? g.find("throughput") : table_tp);
            idx.push_back(one);
        }
        in[std::string_view(kind) == "gsis" ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes"] = idx;
    }
    // DynamoDB rejects definitions of attributes no key uses.
    json defs = json::array();
    if (const Value* attrs = t.find("attributes"))
        for (const auto& e : attrs->entries())
            if (used.count(e.key)) defs.push_back({{"AttributeName", e.key}, {"AttributeType", e.value.text()}});
    in["AttributeDefinitions"] = defs;
    if (const Value* s = t.find("stream")) in["StreamSpecification"] = {{"StreamEnabled", true}, {"StreamViewType", s->text()}};
    return in;
}

std::string keys_text(const json& ks) {
    std::vector<std::string> parts;
    for (const auto& k : ks) parts.push_back(fmt::format("{} {}", jstr(k, "KeyType"), jstr(k, "AttributeName")));
    return fmt::format("{}", fmt::join(parts, ", "));
}

std::map<std::string, std::string> index_map(const json& list) {
    std::map<std::string, std::string> out;
    if (!list.is_array()) return out;
    for (const auto& i : list) {
        std::string proj = i.contains("Projection") ? i["Projection"].value("ProjectionType", "ALL") : "ALL";
        out[jstr(i, "IndexName")] = keys_text(i.value("KeySchema", json::array())) + " / " + proj;
    }
    return out;
}

// What differs between the table as declared and as described; empty when it matches.
std::vector<std::string> table_drift(const json& want, const json& have) {
    std::vector<std::string> out;
    if (keys_text(want["KeySchema"]) != keys_text(have.value("KeySchema", json::array())))
        out.push_back(fmt::format("keys are {} (declared {})", keys_text(have.value("KeySchema", json::array())),
                                  keys_text(want["KeySchema"])));
    std::map<std::string, std::string> have_types;
    for (const auto& d : have.value("AttributeDefinitions", json::array()))
        have_types[jstr(d, "AttributeName")] = jstr(d, "AttributeType");
    for (const auto& d : want["AttributeDefinitions"]) {
        auto it = have_types.find(d["AttributeName"]);
        if (it != have_types.end() && it->second != d["AttributeType"])
            out.push_back(fmt::format("attribute {} is {} (declared {})", it->first, it->second,
                                      d["AttributeType"].get<std::string>()));
    }
    for (const char* kind : {"GlobalSecondaryIndexes", "LocalSecondaryIndexes"}) {
        auto w = index_map(want.value(kind, json::array()));
        auto h = index_map(have.value(kind, json::array()));
        for (const auto& [name, desc] : w) {
            auto it = h.find(name);
            if (it == h.end()) out.push_back(fmt::format("index {} is missing", name));
            else if (it->second != desc) out.push_back(fmt::format("index {} is {} (declared {})", name, it->second, desc));
        }
        for (const auto& [name, desc] : h)
            if (!w.count(name)) out.push_back(fmt::format("index {} is not declared", name));
    }
    return out;
}

bool is_active(const json& table) {
    if (jstr(table, "TableStatus") != "ACTIVE") return false;
    for (const auto& g : table.value("GlobalSecondaryIndexes", json::array()))
        if (g.value("IndexStatus", "ACTIVE") != "ACTIVE") return false;
    return true;
}

// Polls DescribeTable until the table is ACTIVE (or gone, when `gone`). Returns the last result.
AwsResult wait_table(const SeedJob& job, AwsClient& c, const std::string& name, bool gone) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (int attempt = 0;; ++attempt) {
        AwsResult r = c.call_json(kService, "DescribeTable", {{"TableName", name}});
        require_reachable(r, c);
        if (gone ? r.code == "ResourceNotFoundException" : (r.ok() && is_active(r.json()["Table"]))) return r;
        if (!gone && !r.ok()) return r;
        if (std::chrono::steady_clock::now() > deadline) {
            r.status = 408;
            r.code = "Timeout";
            r.message = gone ? "the table was still being deleted after 60 s" : "the table was not ACTIVE after 60 s";
            return r;
        }
        if (!backoff(job.target, std::min(attempt, 2))) return r;
    }
}

// TTL and streams can be changed in place. Returns what was changed, or the failure.
struct Fixes {
    std::vector<std::string> done;
    std::string failed;
};

// Billing mode and provisioned throughput (for the table and its GSIs) can be changed in place.
json billing_update(const Value& t, const json& have) {
    bool prov = provisioned(t);
    std::string want_mode = prov ? "PROVISIONED" : "PAY_PER_REQUEST";
    // Tables created as provisioned may carry no BillingModeSummary.
    std::string have_mode = have.contains("BillingModeSummary") ? jstr(have["BillingModeSummary"], "BillingMode") : "";
    if (have_mode.empty()) have_mode = "PROVISIONED";
    json tp = throughput(t.find("throughput"));
    json have_tp = have.value("ProvisionedThroughput", json::object());
    bool tp_differs = prov && (have_tp.value("ReadCapacityUnits", 0LL) != tp["ReadCapacityUnits"].get<long long>() ||
                               have_tp.value("WriteCapacityUnits", 0LL) != tp["WriteCapacityUnits"].get<long long>());
    if (want_mode == have_mode && !tp_differs) return nullptr;
    json in = {{"BillingMode", want_mode}};
    if (prov) {
        in["ProvisionedThroughput"] = tp;
        json updates = json::array();
        if (const Value* gsis = t.find("gsis"))
            for (const auto& g : gsis->items())
                updates.push_back({{"Update", {{"IndexName", text(g.find("name"))},
                                               {"ProvisionedThroughput", throughput(g.find("throughput") ? g.find("throughput")
                                                                                                          : t.find("throughput"))}}}});
        if (want_mode != have_mode && !updates.empty()) in["GlobalSecondaryIndexUpdates"] = updates;
    }
    in["_was"] = want_mode != have_mode ? "billing mode " + have_mode
                                        : fmt::format("throughput {}/{}", have_tp.value("ReadCapacityUnits", 0LL),
                                                      have_tp.value("WriteCapacityUnits", 0LL));
    return in;
}

// `created`: the table was just created from the declaration, so its billing and stream are as
// declared and only the TTL (set apart from CreateTable) is left.
Fixes fix_ttl_and_stream(AwsClient& c, const Value& t, const json& described, const std::string& name, bool created) {
    Fixes f;
    if (json b = created ? json() : billing_update(t, described); !b.is_null()) {
        std::string was = b["_was"];
        b.erase("_was");
        b["TableName"] = name;
        AwsResult u = c.call_json(kService, "UpdateTable", b);
        require_reachable(u, c);
        if (!u.ok()) return {f.done, failure_detail(u, t.find("billing_mode") ? t.find("billing_mode") : &t)};
        f.done.push_back(fmt::format("{} (was {})", jstr(b, "BillingMode"), was));
    }
    if (const Value* ttl = t.find("ttl")) {
        AwsResult r = c.call_json(kService, "DescribeTimeToLive", {{"TableName", name}});
        require_reachable(r, c);
        if (!r.ok()) return {f.done, failure_detail(r, ttl)};
        json d = r.json().value("TimeToLiveDescription", json::object());
        std::string status = d.value("TimeToLiveStatus", "DISABLED");
        std::string attr = jstr(d, "AttributeName");
        bool on = status == "ENABLED" || status == "ENABLING";
        if (!on || attr != ttl->text()) {
            if (on) {
                AwsResult off = c.call_json(kService, "UpdateTimeToLive",
                                            {{"TableName", name},
                                             {"TimeToLiveSpecification", {{"Enabled", false}, {"AttributeName", attr}}}});
                if (!off.ok()) return {f.done, failure_detail(off, ttl)};
            }
            AwsResult u = c.call_json(kService, "UpdateTimeToLive",
                                      {{"TableName", name},
                                       {"TimeToLiveSpecification", {{"Enabled", true}, {"AttributeName", ttl->text()}}}});
            require_reachable(u, c);
            if (!u.ok()) return {f.done, failure_detail(u, ttl)};
            f.done.push_back(fmt::format("TTL on {}", ttl->text()));
        }
    }
    if (const Value* s = created ? nullptr : t.find("stream")) {
        json spec = described.value("StreamSpecification", json::object());
        bool on = spec.value("StreamEnabled", false);
        std::string type = jstr(spec, "StreamViewType");
        if (!on || type != s->text()) {
            if (on) {
                AwsResult off = c.call_json(kService, "UpdateTable",
                                            {{"TableName", name}, {"StreamSpecification", {{"StreamEnabled", false}}}});
                if (!off.ok()) return {f.done, failure_detail(off, s)};
            }
            AwsResult u = c.call_json(kService, "UpdateTable",
                                      {{"TableName", name},
                                       {"StreamSpecification", {{"StreamEnabled", true}, {"StreamViewType", s->text()}}}});
            require_reachable(u, c);
            if (!u.ok()) return {f.done, failure_detail(u, s)};
            f.done.push_back(fmt::format("stream {}", s->text()));
        }
    }
    return f;
}

// ---- tables -------------------------------------------------------------------------------

void seed_table(const SeedJob& job, SeedSink& sink, AwsClient& c, const Value& t) {
    std::string name = text(t.find("name"));
    std::string resource = fmt::format("table {}", name);
    json want = create_table_input(t);

    AwsResult d = c.call_json(kService, "DescribeTable", {{"TableName", name}});
    require_reachable(d, c);
    bool exists = d.ok();
    if (!exists && d.code != "ResourceNotFoundException") {
        report(sink, job, resource, Outcome::failed, failure_detail(d, &t));
        return;
    }
    Outcome outcome = Outcome::created;
    std::string detail;
    if (exists) {
        json have = d.json()["Table"];
        auto drift = table_drift(want, have);
        if (!drift.empty()) {
            if (!job.force) {
                report(sink, job, resource, Outcome::drift,
                       fmt::format("{}; items not written (--force recreates the table)", fmt::join(drift, "; ")));
                return;
            }
            AwsResult del = c.call_json(kService, "DeleteTable", {{"TableName", name}});
            require_reachable(del, c);
            if (!del.ok() && del.code != "ResourceNotFoundException") {
                report(sink, job, resource, Outcome::failed, failure_detail(del, &t));
                return;
            }
            AwsResult w = wait_table(job, c, name, true);
            if (w.code != "ResourceNotFoundException") {
                report(sink, job, resource, Outcome::failed, failure_detail(w, &t));
                return;
            }
            exists = false;
            outcome = Outcome::updated;
            detail = fmt::format("recreated: {}", fmt::join(drift, "; "));
        }
    }
    // The table as it is: DescribeTable's answer, or CreateTable's; polled only until ACTIVE (moto
    // and LocalStack create tables ACTIVE at once, so 100 tables cost 100 calls, not 300).
    json described = exists ? d.json()["Table"] : json();
    if (!exists) {
        AwsResult cr = c.call_json(kService, "CreateTable", want);
        require_reachable(cr, c);
        if (!cr.ok()) {
            report(sink, job, resource, Outcome::failed, failure_detail(cr, &t));
            return;
        }
        described = cr.json().value("TableDescription", json::object());
    }
    if (!is_active(described)) {
        AwsResult active = wait_table(job, c, name, false);
        if (!active.ok()) {
            report(sink, job, resource, Outcome::failed, failure_detail(active, &t));
            return;
        }
        described = active.json()["Table"];
    }
    Fixes f = fix_ttl_and_stream(c, t, described, name, !exists);
    if (!f.failed.empty()) {
        report(sink, job, resource, Outcome::failed, f.failed);
        return;
    }
    if (exists) {
        outcome = f.done.empty() ? Outcome::unchanged : Outcome::updated;
        detail = f.done.empty() ? "" : fmt::format("set {}", fmt::join(f.done, ", "));
    }
    report(sink, job, resource, outcome, detail);
    seed_table_items(job, sink, t, !exists);
}

void seed_dynamodb(const SeedJob& job, SeedSink& sink) {
    const Value* tables = job.decl->spec.find("tables");
    if (!tables) return;
    const auto& list = tables->items();
    parallel_for(list.size(), pool_options(job.target), client_per_worker(job.target),
                 [&](AwsClient& c, std::size_t i) { seed_table(job, sink, c, list[i]); });
}

// ---- declaration --------------------------------------------------------------------------

SchemaPtr projection() {
    using namespace schema;
    return one_of({choice({"ALL", "KEYS_ONLY"}), list(string())}, "ALL, KEYS_ONLY or a list of attributes");
}

void check_table(const Value& t, const std::string& path) {
    const Value* attrs = t.find("attributes");
    auto require_attr = [&](const Value* key, const std::string& where) {
        if (!key) return;
        if (!attrs || !attrs->find(key->text()))
            throw error_at(key->mark(), where,
                           fmt::format("key attribute '{}' is not declared in attributes", key->text()));
    };
    require_attr(t.find("hash_key"), join_path(path, "hash_key"));
    require_attr(t.find("range_key"), join_path(path, "range_key"));
    for (const char* idx : {"gsis", "lsis"}) {
        if (const Value* list_v = t.find(idx)) {
            for (std::size_t i = 0; i < list_v->items().size(); ++i) {
                const Value& g = list_v->items()[i];
                std::string gp = index_path(join_path(path, idx), i);
                require_attr(g.find("hash_key"), join_path(gp, "hash_key"));
                require_attr(g.find("range_key"), join_path(gp, "range_key"));
            }
        }
    }
}

SchemaPtr dynamodb_schema() {
    using namespace schema;
    auto index = list(object({req("name", string()), req("hash_key", string()), opt("range_key", string()),
                              opt("projection", projection()),
                              opt("throughput", object({req("read", integer()), req("write", integer())}))}));
    auto table = with_check(
        object({req("name", string()),
                req("attributes", map(choice({"S", "N", "B"}))),
                req("hash_key", string()),
                opt("range_key", string()),
                opt("billing_mode", choice({"PAY_PER_REQUEST", "PROVISIONED"})),
                opt("throughput", object({req("read", integer()), req("write", integer())})),
                opt("gsis", index),
                opt("lsis", index),
                opt("ttl", string()),
                opt("stream", choice({"NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"})),
                opt("items", list(map(any()))),
                opt("items_file", string())}),
        check_table);
    return object({opt("tables", list(table))});
}

// ---- purge (LocalStack's reset) -----------------------------------------------------------

bool purge_dynamodb(const SeedTarget& target, const std::string& service, SeedSink& sink) {
    AwsPurge p(target, service, sink, "dynamodb");
    p.each(
        [&](AwsClient& c, std::vector<std::string>& names) {
            std::string start;
            do {
                json in = json::object();
                if (!start.empty()) in["ExclusiveStartTableName"] = start;
                AwsResult r = c.call_json("dynamodb", "ListTables", in);
                if (p.list_failed(r, c)) return false;
                json body = r.json();
                for (const auto& n : body.value("TableNames", json::array())) names.push_back(n);
                start = jstr(body, "LastEvaluatedTableName");
            } while (!start.empty());
            return true;
        },
        [&](AwsClient& c, const std::string& name) {
            AwsResult r = c.call_json("dynamodb", "DeleteTable", {{"TableName", name}});
            require_reachable(r, c);
            if (!r.ok() && r.code != "ResourceNotFoundException") return p.failed("table " + name, r);
            // Deletion is asynchronous: the seed may only create it again once it is gone.
            for (int attempt = 0; attempt < 200; ++attempt) {
                AwsResult d = c.call_json("dynamodb", "DescribeTable", {{"TableName", name}});
                require_reachable(d, c);
                if (d.code == "ResourceNotFoundException") return p.removed("table " + name);
                if (!backoff(target, std::min(attempt, 2))) return;
            }
            AwsResult timeout;
            timeout.status = 408;
            timeout.message = "the table was still being deleted after 30 s";
            p.failed("table " + name, timeout);
        });
    return p.ok();
}

void dynamodb_files(const Value& block, std::vector<const Value*>& out) {
    if (const Value* tables = block.find("tables"))
        for (const auto& t : tables->items())
            if (const Value* f = t.find("items_file")) out.push_back(f);
}

}  // namespace

extern const SeedKind dynamodb_kind;
const SeedKind dynamodb_kind{
    .name = "dynamodb",
    .family = "aws",
    .summary = "tables with keys, indexes, TTL, streams and items (inline or items_file)",
    .phase = 0,
    .aws_service = "dynamodb",
    .schema = dynamodb_schema,
    .check = nullptr,
    .seed = seed_dynamodb,
    .files = dynamodb_files,
    .purge = purge_dynamodb,
};

}  // namespace devenv

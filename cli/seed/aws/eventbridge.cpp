// The `eventbridge` seed kind: event buses, their rules (event patterns), and the rules' targets
// (queues of this seed, by name, or raw ARNs). Order: bus, then rule, then its targets; buses
// are seeded concurrently. Targets the declaration does not name are removed.
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "seed/aws/support.hpp"
#include "seed/kind.hpp"
#include "seed/check.hpp"

namespace devenv {

namespace {

using nlohmann::json;
using namespace aws_seed;

constexpr std::string_view kService = "events";

std::string target_id(const Value& t, std::size_t index) {
    if (const Value* id = t.find("id")) return id->text();
    std::string from = text(t.find("queue"));
    std::string id;
    for (char c : from)
        id += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ? c : '_';
    if (id.empty()) id = fmt::format("target-{}", index + 1);
    return id.substr(0, 64);
}

bool same_pattern(const std::string& have, const json& want) {
    try {
        return json::parse(have) == want;
    } catch (const json::exception&) {
        return false;
    }
}

void seed_targets(const SeedJob& job, SeedSink& sink, AwsClient& c, const std::string& bus, const std::string& rule,
                  const Value& targets) {
    std::string resource = fmt::format("targets of rule {}/{}: {}", bus, rule, targets.items().size());
    std::map<std::string, std::string> want;  // id -> arn
    for (std::size_t i = 0; i < targets.items().size(); ++i) {
        const Value& t = targets.items()[i];
        std::string arn = text(t.find("arn"));
        if (const Value* q = t.find("queue")) {
            std::string error;
            arn = queue_arn(c, q->text(), error);
            if (!error.empty()) return report(sink, job, resource, Outcome::failed, error);
        }
        if (arn.empty()) return report(sink, job, resource, Outcome::failed, fmt::format("target {} names no queue or arn", i + 1));
        want[target_id(t, i)] = arn;
    }
    json key = {{"Rule", rule}, {"EventBusName", bus}};
    AwsResult l = c.call_json(kService, "ListTargetsByRule", key);
    require_reachable(l, c);
    if (!l.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(l, &targets));
    std::map<std::string, std::string> have;
    for (const auto& t : l.json().value("Targets", json::array())) have[jstr(t, "Id")] = jstr(t, "Arn");

    json put = json::array();
    for (const auto& [id, arn] : want)
        if (!have.count(id) || have[id] != arn) put.push_back({{"Id", id}, {"Arn", arn}});
    json remove = json::array();
    for (const auto& [id, _] : have)
        if (!want.count(id)) remove.push_back(id);
    if (put.empty() && remove.empty()) return report(sink, job, resource, Outcome::unchanged);
    if (!put.empty()) {
        json in = key;
        in["Targets"] = put;
        AwsResult p = c.call_json(kService, "PutTargets", in);
        require_reachable(p, c);
        if (!p.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(p, &targets));
        json body = p.json();
        if (body.value("FailedEntryCount", 0) > 0)
            return report(sink, job, resource, Outcome::failed, body.value("FailedEntries", json::array()).dump());
    }
    if (!remove.empty()) {
        json in = key;
        in["Ids"] = remove;
        AwsResult r = c.call_json(kService, "RemoveTargets", in);
        require_reachable(r, c);
        if (!r.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(r, &targets));
    }
    if (have.empty()) return report(sink, job, resource, Outcome::created);
    report(sink, job, resource, Outcome::updated,
           fmt::format("{} put, {} undeclared removed", put.size(), remove.size()));
}

// Returns false when the rule could not be made to exist (its targets are then skipped).
bool seed_rule(const SeedJob& job, SeedSink& sink, AwsClient& c, const std::string& bus, const Value& r) {
    std::string name = text(r.find("name"));
    std::string resource = fmt::format("rule {}/{}", bus, name);
    json pattern = r.has("pattern") ? r.find("pattern")->to_json() : json();
    std::string desc = text(r.find("description"));
    AwsResult d = c.call_json(kService, "DescribeRule", {{"Name", name}, {"EventBusName", bus}});
    require_reachable(d, c);
    if (!d.ok() && d.code != "ResourceNotFoundException") {
        report(sink, job, resource, Outcome::failed, failure_detail(d, &r));
        return false;
    }
    Outcome outcome = Outcome::created;
    std::vector<std::string> changed;
    if (d.ok()) {
        json have = d.json();
        if (!pattern.is_null() && !same_pattern(jstr(have, "EventPattern"), pattern)) changed.push_back("event pattern");
        if (r.has("description") && jstr(have, "Description") != desc) changed.push_back("description");
        if (have.value("State", "ENABLED") != "ENABLED") changed.push_back("state " + jstr(have, "State"));
        if (changed.empty()) {
            report(sink, job, resource, Outcome::unchanged);
            return true;
        }
        outcome = Outcome::updated;
    }
    json in = {{"Name", name}, {"EventBusName", bus}, {"State", "ENABLED"}};
    if (!pattern.is_null()) in["EventPattern"] = pattern.dump();
    if (!desc.empty()) in["Description"] = desc;
    AwsResult p = c.call_json(kService, "PutRule", in);
    require_reachable(p, c);
    if (!p.ok()) {
        report(sink, job, resource, Outcome::failed, failure_detail(p, &r));
        return false;
    }
    report(sink, job, resource, outcome, changed.empty() ? "" : fmt::format("{} differed", fmt::join(changed, ", ")));
    return true;
}

void seed_bus(const SeedJob& job, SeedSink& sink, AwsClient& c, const Value& b) {
    std::string name = text(b.find("name"));
    std::string resource = "event bus " + name;
    if (name != "default") {
        AwsResult d = c.call_json(kService, "DescribeEventBus", {{"Name", name}});
        require_reachable(d, c);
        if (d.ok()) {
            report(sink, job, resource, Outcome::unchanged);
        } else if (d.code == "ResourceNotFoundException") {
            AwsResult cr = c.call_json(kService, "CreateEventBus", {{"Name", name}});
            require_reachable(cr, c);
            if (!cr.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(cr, &b));
            report(sink, job, resource, Outcome::created);
        } else {
            return report(sink, job, resource, Outcome::failed, failure_detail(d, &b));
        }
    }
    if (const Value* rules = b.find("rules"))
        for (const auto& r : rules->items()) {
            if (interrupted(job.target)) return;
            if (!seed_rule(job, sink, c, name, r)) continue;
            if (const Value* targets = r.find("targets"); targets && !targets->items().empty())
                seed_targets(job, sink, c, name, text(r.find("name")), *targets);
        }
}

void seed_eventbridge(const SeedJob& job, SeedSink& sink) {
    const Value* buses = job.decl->spec.find("buses");
    if (!buses) return;
    const auto& list = buses->items();
    parallel_for(list.size(), pool_options(job.target), client_per_worker(job.target),
                 [&](AwsClient& c, std::size_t i) { seed_bus(job, sink, c, list[i]); });
}

// ---- declaration --------------------------------------------------------------------------

SchemaPtr eventbridge_schema() {
    using namespace schema;
    auto target = object({opt("queue", string()), opt("arn", string()), opt("id", string())});
    auto rule = named_list({opt("pattern", map(any())), opt("description", string()), opt("targets", list(target))});
    return object({opt("buses", named_list({opt("rules", rule)}))});
}

// A target names a queue of the same service's sqs block, or gives an ARN.
void check_eventbridge(const Value& block, const std::string& path, const SeedSiblings& siblings) {
    const Value* buses = block.find("buses");
    if (!buses) return;
    const Value* sqs = siblings.block("sqs");
    std::set<std::string> queues = names_in(sqs ? sqs->find("queues") : nullptr);
    for (std::size_t b = 0; b < buses->items().size(); ++b) {
        const Value* rules = buses->items()[b].find("rules");
        if (!rules) continue;
        for (std::size_t r = 0; r < rules->items().size(); ++r) {
            const Value* targets = rules->items()[r].find("targets");
            if (!targets) continue;
            for (std::size_t t = 0; t < targets->items().size(); ++t) {
                std::string tp = index_path(
                    join_path(index_path(join_path(index_path(join_path(path, "buses"), b), "rules"), r), "targets"), t);
                const Value& target = targets->items()[t];
                if (const Value* q = target.find("queue")) must_name(*q, queues, join_path(tp, "queue"), "queue");
                else if (!target.find("arn"))
                    throw error_at(target.mark(), tp, "a rule target needs `queue` or `arn`");
            }
        }
    }
}

// ---- purge (LocalStack's reset) -----------------------------------------------------------

// Targets, then rules, then the bus (the default bus stays; only its rules go).
bool purge_eventbridge(const SeedTarget& target, const std::string& service, SeedSink& sink) {
    AwsPurge p(target, service, sink, "eventbridge");
    p.each(
        [&](AwsClient& c, std::vector<std::string>& buses) {
            AwsResult r = c.call_json("events", "ListEventBuses", json::object());
            if (p.list_failed(r, c)) return false;
            for (const auto& b : r.json().value("EventBuses", json::array())) buses.push_back(jstr(b, "Name"));
            return true;
        },
        [&](AwsClient& c, const std::string& bus) {
            std::vector<std::string> rules;
            std::string token;
            do {
                json in = {{"EventBusName", bus}};
                if (!token.empty()) in["NextToken"] = token;
                AwsResult r = c.call_json("events", "ListRules", in);
                require_reachable(r, c);
                if (!r.ok()) return p.failed("rules of " + bus, r);
                json body = r.json();
                for (const auto& x : body.value("Rules", json::array())) rules.push_back(jstr(x, "Name"));
                token = jstr(body, "NextToken");
            } while (!token.empty());
            for (const auto& rule : rules) {
                json key = {{"Rule", rule}, {"EventBusName", bus}};
                AwsResult t = c.call_json("events", "ListTargetsByRule", key);
                require_reachable(t, c);
                json ids = json::array();
                if (t.ok())
                    for (const auto& x : t.json().value("Targets", json::array())) ids.push_back(jstr(x, "Id"));
                if (!ids.empty()) {
                    json in = key;
                    in["Ids"] = ids;
                    AwsResult rt = c.call_json("events", "RemoveTargets", in);
                    require_reachable(rt, c);
                    if (!rt.ok()) return p.failed(fmt::format("targets of rule {}/{}", bus, rule), rt);
                }
                AwsResult d = c.call_json("events", "DeleteRule", {{"Name", rule}, {"EventBusName", bus}});
                require_reachable(d, c);
                if (!d.ok()) return p.failed(fmt::format("rule {}/{}", bus, rule), d);
                p.removed(fmt::format("rule {}/{}", bus, rule));
            }
            if (bus == "default") return;
            AwsResult d = c.call_json("events", "DeleteEventBus", {{"Name", bus}});
            require_reachable(d, c);
            if (!d.ok()) return p.failed("event bus " + bus, d);
            p.removed("event bus " + bus);
        });
    return p.ok();
}

}  // namespace

extern const SeedKind eventbridge_kind;
const SeedKind eventbridge_kind{
    .name = "eventbridge",
    .family = "aws",
    .summary = "event buses and rules with patterns, targeting queues of the seed",
    .phase = 1,
    .aws_service = "events",
    .schema = eventbridge_schema,
    .check = check_eventbridge,
    .seed = seed_eventbridge,
    .purge = purge_eventbridge,
};

}  // namespace devenv

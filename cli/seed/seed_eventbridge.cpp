// The `eventbridge` seed kind: event buses, their rules (event patterns), and the rules' targets
// (queues of this seed, by name, or raw ARNs). Order: bus, then rule, then its targets; buses
// are seeded concurrently. Targets the declaration does not name are removed.
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "seed/aws_seed_support.hpp"
#include "seed/seeders_aws.hpp"

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

// The ARN of a queue by name (declared under sqs, which is seeded first).
std::string queue_arn(AwsClient& c, const std::string& name, std::string& error) {
    AwsResult u = c.call_json("sqs", "GetQueueUrl", {{"QueueName", name}});
    require_reachable(u, c);
    if (!u.ok()) {
        error = fmt::format("queue {}: {} (declare it under seed.SERVICE.sqs)", name, u.describe());
        return {};
    }
    AwsResult a = c.call_json("sqs", "GetQueueAttributes",
                              {{"QueueUrl", jstr(u.json(), "QueueUrl")}, {"AttributeNames", json::array({"QueueArn"})}});
    require_reachable(a, c);
    if (!a.ok()) {
        error = fmt::format("queue {}: {}", name, a.describe());
        return {};
    }
    return jstr(a.json()["Attributes"], "QueueArn");
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

}  // namespace

void seed_eventbridge(const SeedJob& job, SeedSink& sink) {
    const Value* buses = job.decl->spec.find("buses");
    if (!buses) return;
    const auto& list = buses->items();
    parallel_for(list.size(), pool_options(job.target), client_per_worker(job.target),
                 [&](AwsClient& c, std::size_t i) { seed_bus(job, sink, c, list[i]); });
}

}  // namespace devenv

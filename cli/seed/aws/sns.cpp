// The `sns` seed kind (query protocol): topics (standard and FIFO) with attributes and tags, and
// their subscriptions to SQS queues of the same seed, with raw message delivery and filter
// policies. Topics are looked up first (ListTopics), so a second run reports them unchanged;
// attributes, tags and subscription attributes that differ are corrected and reported updated.
// Runs in phase 1, after the sqs block has created the queues it subscribes. Each topic's ARN is
// recorded as SNS_TOPIC_ARN_<NAME>. Topics are seeded concurrently.
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "aws/xml.hpp"
#include "seed/aws/support.hpp"
#include "seed/check.hpp"
#include "seed/kind.hpp"

namespace devenv {

namespace {

using namespace aws_seed;

constexpr std::string_view kService = "sns";

// <entry><key>K</key><value>V</value></entry> lists (GetTopicAttributes, GetSubscriptionAttributes).
std::map<std::string, std::string> entries_of(const std::string& body) {
    XmlDocument doc(body);
    std::map<std::string, std::string> out;
    for (const XmlElement& e : doc.root().descendants("entry")) out[e.child_text("key")] = e.child_text("value");
    return out;
}

std::string topic_name_of(const std::string& arn) { return arn.substr(arn.rfind(':') + 1); }

// Every topic the service holds: name -> ARN.
std::optional<std::map<std::string, std::string>> list_topics(AwsClient& c, AwsResult& failed_with) {
    std::map<std::string, std::string> out;
    std::string token;
    for (int page = 0; page < 10000; ++page) {
        QueryParams p;
        if (!token.empty()) p.emplace_back("NextToken", token);
        AwsResult r = c.call_query(kService, "ListTopics", p);
        require_reachable(r, c);
        if (!r.ok()) {
            failed_with = r;
            return std::nullopt;
        }
        for (const auto& arn : xml_values(r.body, "TopicArn")) out[topic_name_of(arn)] = arn;
        token = xml_value(r.body, "NextToken");
        if (token.empty()) break;
    }
    return out;
}

// The declared topic attributes, as SNS names and writes them.
std::map<std::string, std::string> declared_attributes(const Value& t) {
    std::map<std::string, std::string> out;
    if (const Value* a = t.find("attributes"))
        for (const auto& e : a->entries()) out[e.key] = e.value.text();
    return out;
}

struct TopicSeeder {
    const SeedJob& job;
    SeedSink& sink;
    AwsClient& c;
    const std::map<std::string, std::string>& existing;

    void run(const Value& t) {
        const std::string name = t.find("name")->text();
        const std::string resource = "topic " + name;
        bool fifo = flag(t.find("fifo"));
        auto attrs = declared_attributes(t);
        std::string arn;
        Outcome outcome = Outcome::unchanged;
        std::vector<std::string> changed;

        auto found = existing.find(name);
        if (found != existing.end() && job.force) {
            AwsResult d = c.call_query(kService, "DeleteTopic", {{"TopicArn", found->second}});
            require_reachable(d, c);
            if (!d.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(d, &t));
            found = existing.end();
        }
        if (found == existing.end()) {
            QueryParams p{{"Name", name}};
            int n = 0;
            auto entry = [&](const std::string& k, const std::string& v) {
                ++n;
                p.emplace_back(fmt::format("Attributes.entry.{}.key", n), k);
                p.emplace_back(fmt::format("Attributes.entry.{}.value", n), v);
            };
            if (fifo) entry("FifoTopic", "true");
            for (const auto& [k, v] : attrs) entry(k, v);
            int m = 0;
            if (const Value* tags = t.find("tags"))
                for (const auto& e : tags->entries()) {
                    ++m;
                    p.emplace_back(fmt::format("Tags.member.{}.Key", m), e.key);
                    p.emplace_back(fmt::format("Tags.member.{}.Value", m), e.value.text());
                }
            AwsResult r = c.call_query(kService, "CreateTopic", p);
            require_reachable(r, c);
            if (!r.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(r, &t));
            arn = xml_value(r.body, "TopicArn");
            outcome = Outcome::created;
        } else {
            arn = found->second;
            AwsResult g = c.call_query(kService, "GetTopicAttributes", {{"TopicArn", arn}});
            require_reachable(g, c);
            if (!g.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(g, &t));
            auto have = entries_of(g.body);
            for (const auto& [k, v] : attrs) {
                auto h = have.find(k);
                if (h != have.end() && h->second == v) continue;
                AwsResult s = c.call_query(kService, "SetTopicAttributes",
                                           {{"TopicArn", arn}, {"AttributeName", k}, {"AttributeValue", v}});
                require_reachable(s, c);
                if (!s.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(s, &t));
                changed.push_back(k);
            }
            if (!sync_tags(t, arn, changed)) return;
            if (!changed.empty()) outcome = Outcome::updated;
        }
        sink.record(job.decl->service, env_name("SNS_TOPIC_ARN_", name), arn);
        report(sink, job, resource, outcome, changed.empty() ? "" : fmt::format("set {}", fmt::join(changed, ", ")));
        if (const Value* subs = t.find("subscriptions"))
            for (const auto& s : subs->items()) subscribe(name, arn, s);
    }

    bool sync_tags(const Value& t, const std::string& arn, std::vector<std::string>& changed) {
        const Value* tags = t.find("tags");
        if (!tags || tags->entries().empty()) return true;
        AwsResult l = c.call_query(kService, "ListTagsForResource", {{"ResourceArn", arn}});
        require_reachable(l, c);
        std::map<std::string, std::string> have;
        if (l.ok()) {
            // <Tags><member><Key/><Value/></member>...
            XmlDocument doc(l.body);
            for (const XmlElement& m : doc.root().descendants("member"))
                have[m.child_text("Key")] = m.child_text("Value");
        }
        QueryParams p{{"ResourceArn", arn}};
        int m = 0;
        for (const auto& e : tags->entries()) {
            auto h = have.find(e.key);
            if (h != have.end() && h->second == e.value.text()) continue;
            ++m;
            p.emplace_back(fmt::format("Tags.member.{}.Key", m), e.key);
            p.emplace_back(fmt::format("Tags.member.{}.Value", m), e.value.text());
        }
        if (m == 0) return true;
        AwsResult r = c.call_query(kService, "TagResource", p);
        require_reachable(r, c);
        if (!r.ok()) {
            report(sink, job, "topic " + topic_name_of(arn), Outcome::failed, failure_detail(r, tags));
            return false;
        }
        changed.push_back("tags");
        return true;
    }

    void subscribe(const std::string& topic, const std::string& topic_arn, const Value& s) {
        const std::string queue = s.find("queue")->text();
        const std::string resource = fmt::format("subscription {} -> {}", topic, queue);
        std::map<std::string, std::string> want;
        want["RawMessageDelivery"] = flag(s.find("raw")) ? "true" : "false";
        if (const Value* fp = s.find("filter_policy")) want["FilterPolicy"] = fp->to_ordered_json().dump();

        std::string error;
        std::string endpoint = queue_arn(c, queue, error);
        if (endpoint.empty()) return report(sink, job, resource, Outcome::failed, error);

        AwsResult l = c.call_query(kService, "ListSubscriptionsByTopic", {{"TopicArn", topic_arn}});
        require_reachable(l, c);
        if (!l.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(l, &s));
        // <Subscriptions><member><SubscriptionArn/>...<Endpoint/></member>...
        XmlDocument listed(l.body);
        std::string sub_arn;
        for (const XmlElement& m : listed.root().descendants("member"))
            if (m.child_text("Endpoint") == endpoint) sub_arn = m.child_text("SubscriptionArn");

        if (sub_arn.empty()) {
            QueryParams p{{"TopicArn", topic_arn}, {"Protocol", "sqs"}, {"Endpoint", endpoint},
                          {"ReturnSubscriptionArn", "true"}};
            int n = 0;
            for (const auto& [k, v] : want) {
                if (k == "RawMessageDelivery" && v == "false") continue;  // the default
                ++n;
                p.emplace_back(fmt::format("Attributes.entry.{}.key", n), k);
                p.emplace_back(fmt::format("Attributes.entry.{}.value", n), v);
            }
            AwsResult r = c.call_query(kService, "Subscribe", p);
            require_reachable(r, c);
            if (!r.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(r, &s));
            return report(sink, job, resource, Outcome::created);
        }
        AwsResult g = c.call_query(kService, "GetSubscriptionAttributes", {{"SubscriptionArn", sub_arn}});
        require_reachable(g, c);
        if (!g.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(g, &s));
        auto have = entries_of(g.body);
        std::vector<std::string> changed;
        for (const auto& [k, v] : want) {
            auto h = have.find(k);
            std::string current = h == have.end() ? (k == "RawMessageDelivery" ? "false" : "") : h->second;
            if (k == "FilterPolicy" && !current.empty()) {
                try {
                    if (nlohmann::json::parse(current) == nlohmann::json::parse(v)) continue;
                } catch (const nlohmann::json::exception&) {
                }
            } else if (current == v) {
                continue;
            }
            AwsResult set = c.call_query(kService, "SetSubscriptionAttributes",
                                         {{"SubscriptionArn", sub_arn}, {"AttributeName", k}, {"AttributeValue", v}});
            require_reachable(set, c);
            if (!set.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(set, &s));
            changed.push_back(k);
        }
        report(sink, job, resource, changed.empty() ? Outcome::unchanged : Outcome::updated,
               changed.empty() ? "" : fmt::format("set {}", fmt::join(changed, ", ")));
    }
};

void seed_sns(const SeedJob& job, SeedSink& sink) {
    const Value* topics = job.decl->spec.find("topics");
    if (!topics || topics->items().empty()) return;
    AwsClient c(config_for(job.target));
    AwsResult failed_with;
    auto existing = list_topics(c, failed_with);
    if (!existing) return report(sink, job, "topics", Outcome::failed, failure_detail(failed_with, topics));
    const auto& items = topics->items();
    parallel_for(items.size(), pool_options(job.target, 4), client_per_worker(job.target),
                 [&](AwsClient& cl, std::size_t i) { TopicSeeder{job, sink, cl, *existing}.run(items[i]); });
}

// ---- declaration --------------------------------------------------------------------------

SchemaPtr sns_schema() {
    using namespace schema;
    auto subscription = object({req("queue", string()), opt("raw", boolean()), opt("filter_policy", map(any()))});
    auto topic = with_check(
        object({req("name", string()), opt("fifo", boolean()), opt("attributes", map(string())),
                opt("tags", map(string())), opt("subscriptions", list(subscription))}),
        [](const Value& t, const std::string& path) {
            const std::string& name = t.find("name")->text();
            bool is_fifo = flag(t.find("fifo"));
            bool suffix = name.size() > 5 && name.ends_with(".fifo");
            if (is_fifo != suffix)
                throw error_at(t.find("name")->mark(), join_path(path, "name"),
                               is_fifo ? fmt::format("FIFO topic '{}' must end in .fifo", name)
                                       : fmt::format("topic '{}' ends in .fifo but fifo is not true", name));
        });
    return object({opt("topics", list(topic))});
}

// A subscription names a queue of the same service's sqs block; a FIFO topic delivers only to
// FIFO queues.
void check_sns(const Value& block, const std::string& path, const SeedSiblings& siblings) {
    const Value* topics = block.find("topics");
    if (!topics) return;
    const Value* sqs = siblings.block("sqs");
    std::set<std::string> queues = names_in(sqs ? sqs->find("queues") : nullptr);
    for (std::size_t t = 0; t < topics->items().size(); ++t) {
        const Value& topic = topics->items()[t];
        const Value* subs = topic.find("subscriptions");
        if (!subs) continue;
        bool fifo = flag(topic.find("fifo"));
        for (std::size_t s = 0; s < subs->items().size(); ++s) {
            std::string sp = join_path(index_path(join_path(index_path(join_path(path, "topics"), t), "subscriptions"), s),
                                       "queue");
            const Value& q = *subs->items()[s].find("queue");
            must_name(q, queues, sp, "queue");
            if (fifo && !q.text().ends_with(".fifo"))
                throw error_at(q.mark(), sp,
                               fmt::format("FIFO topic '{}' can only deliver to FIFO queues, not '{}'",
                                           topic.find("name")->text(), q.text()));
        }
    }
}

// ---- purge (LocalStack's reset): deleting a topic deletes its subscriptions ----------------

bool purge_sns(const SeedTarget& target, const std::string& service, SeedSink& sink) {
    AwsPurge p(target, service, sink, kService);
    p.each(
        [&](AwsClient& c, std::vector<std::string>& arns) {
            AwsResult failed_with;
            auto topics = list_topics(c, failed_with);
            if (!topics) {
                p.list_failed(failed_with, c);
                return false;
            }
            for (const auto& [name, arn] : *topics) arns.push_back(arn);
            return true;
        },
        [&](AwsClient& c, const std::string& arn) {
            AwsResult r = c.call_query(kService, "DeleteTopic", {{"TopicArn", arn}});
            require_reachable(r, c);
            if (!r.ok() && r.code != "NotFound") return p.failed("topic " + topic_name_of(arn), r);
            p.removed("topic " + topic_name_of(arn));
        });
    return p.ok();
}

}  // namespace

extern const SeedKind sns_kind;
const SeedKind sns_kind{
    .name = "sns",
    .family = "aws",
    .summary = "topics (standard and FIFO) with attributes and tags, subscribed by queues of the seed",
    .phase = 1,
    .aws_service = "sns",
    .schema = sns_schema,
    .check = check_sns,
    .seed = seed_sns,
    .purge = purge_sns,
};

}  // namespace devenv

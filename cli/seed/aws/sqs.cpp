// The `sqs` seed kind: standard and FIFO queues with attributes and tags. Queues are seeded in
// waves, so that a dead-letter queue exists (and its ARN is known) before the queues whose
// RedrivePolicy names it; the queues of one wave are seeded concurrently.
#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "seed/aws/support.hpp"
#include "seed/kind.hpp"
#include "seed/check.hpp"
#include "util/strings.hpp"

namespace devenv {

namespace {

using nlohmann::json;
using namespace aws_seed;

constexpr std::string_view kService = "sqs";

bool queue_missing(const AwsResult& r) {
    return r.code == "QueueDoesNotExist" || r.code == "AWS.SimpleQueueService.NonExistentQueue" ||
           r.code == "NonExistentQueue";
}

// Attribute values as SQS returns them: strings; booleans in any case.
bool same_attribute(const std::string& name, const std::string& want, const std::string& have) {
    if (name == "RedrivePolicy" || name == "RedriveAllowPolicy" || name == "Policy") {
        try {
            json a = json::parse(want), b = json::parse(have);
            // maxReceiveCount comes back as a number or a string depending on the emulator.
            for (json* j : {&a, &b})
                for (auto& [k, v] : j->items())
                    if (v.is_number()) v = v.dump();
            return a == b;
        } catch (const json::exception&) {
            return want == have;
        }
    }
    return want == have || iequals(want, have);
}

struct QueueOutcome {
    bool ok = false;
    std::string arn;
};

class SqsSeeder {
public:
    SqsSeeder(const SeedJob& job, SeedSink& sink) : job_(job), sink_(sink) {}

    void run() {
        const Value* queues = job_.decl->spec.find("queues");
        if (!queues) return;
        const auto& list = queues->items();
        std::map<std::string, std::size_t> index;
        for (std::size_t i = 0; i < list.size(); ++i) index[text(list[i].find("name"))] = i;

        std::vector<std::size_t> pending(list.size());
        for (std::size_t i = 0; i < list.size(); ++i) pending[i] = i;
        while (!pending.empty() && !interrupted(job_.target)) {
            std::vector<std::size_t> wave, later;
            for (std::size_t i : pending) {
                std::string dlq = dead_letter_name(list[i]);
                bool waits = !dlq.empty() && index.count(dlq) && !done_.count(dlq) && dlq != text(list[i].find("name"));
                (waits ? later : wave).push_back(i);
            }
            if (wave.empty()) {  // a cycle of dead-letter queues
                for (std::size_t i : later)
                    report(sink_, job_, "queue " + text(list[i].find("name")), Outcome::failed,
                           fmt::format("dead-letter queues form a cycle (through {})", dead_letter_name(list[i])));
                return;
            }
            auto workers = pool_options(job_.target);
            parallel_for(wave.size(), workers, client_per_worker(job_.target), [&](AwsClient& c, std::size_t w) {
                const Value& q = list[wave[w]];
                QueueOutcome o = seed_queue(c, q);
                std::lock_guard<std::mutex> lock(mu_);
                done_[text(q.find("name"))] = o;
            });
            pending = std::move(later);
        }
    }

private:
    static std::string dead_letter_name(const Value& q) {
        const Value* dl = q.find("dead_letter");
        return dl ? text(dl->find("queue")) : std::string();
    }

    // The ARN of a dead-letter queue: seeded in an earlier wave, or already in the service.
    std::optional<std::string> dead_letter_arn(AwsClient& c, const std::string& name, std::string& why) {
        {
            std::lock_guard<std::mutex> lock(mu_);
            auto it = done_.find(name);
            if (it != done_.end()) {
                if (!it->second.ok) {
                    why = fmt::format("its dead-letter queue {} failed", name);
                    return std::nullopt;
                }
                return it->second.arn;
            }
        }
        AwsResult u = c.call_json(kService, "GetQueueUrl", {{"QueueName", name}});
        require_reachable(u, c);
        if (!u.ok()) {
            why = fmt::format("dead-letter queue {}: {}", name, u.describe());
            return std::nullopt;
        }
        AwsResult a = c.call_json(kService, "GetQueueAttributes",
                                  {{"QueueUrl", jstr(u.json(), "QueueUrl")}, {"AttributeNames", json::array({"QueueArn"})}});
        if (!a.ok()) {
            why = fmt::format("dead-letter queue {}: {}", name, a.describe());
            return std::nullopt;
        }
        return jstr(a.json()["Attributes"], "QueueArn");
    }

    QueueOutcome seed_queue(AwsClient& c, const Value& q) {
        std::string name = text(q.find("name"));
        std::string resource = "queue " + name;
        auto fail = [&](std::string detail) {
            report(sink_, job_, resource, Outcome::failed, std::move(detail));
            return QueueOutcome{};
        };

        std::map<std::string, std::string> want;
        if (const Value* attrs = q.find("attributes"))
            for (const auto& e : attrs->entries())
                want[e.key] = e.value.is_scalar() ? e.value.text() : e.value.to_json().dump();
        if (const Value* dl = q.find("dead_letter")) {
            std::string why;
            auto arn = dead_letter_arn(c, text(dl->find("queue")), why);
            if (!arn) return fail(why);
            json policy = {{"deadLetterTargetArn", *arn}, {"maxReceiveCount", integer(dl->find("max_receive_count"), 10)}};
            want["RedrivePolicy"] = policy.dump();
        }
        json tags = json::object();
        if (const Value* t = q.find("tags"))
            for (const auto& e : t->entries()) tags[e.key] = e.value.text();

        AwsResult u = c.call_json(kService, "GetQueueUrl", {{"QueueName", name}});
        require_reachable(u, c);
        if (!u.ok() && !queue_missing(u)) return fail(failure_detail(u, &q));

        std::string url;
        Outcome outcome = Outcome::unchanged;
        std::vector<std::string> changed;
        std::string arn;
        if (!u.ok()) {
            json attrs(want);
            if (flag(q.find("fifo"))) attrs["FifoQueue"] = "true";
            json in = {{"QueueName", name}, {"Attributes", attrs}};
            if (!tags.empty()) in["tags"] = tags;
            AwsResult cr = c.call_json(kService, "CreateQueue", in);
            require_reachable(cr, c);
            if (!cr.ok()) return fail(failure_detail(cr, &q));
            url = jstr(cr.json(), "QueueUrl");
            outcome = Outcome::created;
            AwsResult a = c.call_json(kService, "GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", json::array({"QueueArn"})}});
            if (!a.ok()) return fail(failure_detail(a, &q));
            arn = jstr(a.json()["Attributes"], "QueueArn");
        } else {
            url = jstr(u.json(), "QueueUrl");
            AwsResult a = c.call_json(kService, "GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", json::array({"All"})}});
            require_reachable(a, c);
            if (!a.ok()) return fail(failure_detail(a, &q));
            json have = a.json().value("Attributes", json::object());
            arn = jstr(have, "QueueArn");
            json update = json::object();
            for (const auto& [k, v] : want) {
                std::string h = have.contains(k) && have[k].is_string() ? have[k].get<std::string>() : have.value(k, json()).dump();
                if (!have.contains(k) || !same_attribute(k, v, h)) {
                    update[k] = v;
                    changed.push_back(fmt::format("{} was {}", k, have.contains(k) ? h : "unset"));
                }
            }
            if (!update.empty()) {
                AwsResult s = c.call_json(kService, "SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", update}});
                require_reachable(s, c);
                if (!s.ok()) return fail(failure_detail(s, &q));
                outcome = Outcome::updated;
            }
            if (!tags.empty()) {
                AwsResult lt = c.call_json(kService, "ListQueueTags", {{"QueueUrl", url}});
                require_reachable(lt, c);
                if (!lt.ok()) return fail(failure_detail(lt, &q));
                json have_tags = lt.json().value("Tags", json::object());
                json missing = json::object();
                for (auto& [k, v] : tags.items())
                    if (!have_tags.contains(k) || have_tags[k] != v) missing[k] = v;
                if (!missing.empty()) {
                    AwsResult tq = c.call_json(kService, "TagQueue", {{"QueueUrl", url}, {"Tags", missing}});
                    if (!tq.ok()) return fail(failure_detail(tq, &q));
                    changed.push_back(fmt::format("tags {}", missing.dump()));
                    outcome = Outcome::updated;
                }
            }
        }
        sink_.record(job_.decl->service, env_name("SQS_QUEUE_URL_", name), url);
        report(sink_, job_, resource, outcome, changed.empty() ? "" : fmt::format("{}", fmt::join(changed, "; ")));
        return {true, arn};
    }

    const SeedJob& job_;
    SeedSink& sink_;
    std::mutex mu_;
    std::map<std::string, QueueOutcome> done_;
};

void seed_sqs(const SeedJob& job, SeedSink& sink) { SqsSeeder(job, sink).run(); }

// ---- declaration --------------------------------------------------------------------------

SchemaPtr sqs_schema() {
    using namespace schema;
    auto queue = with_check(
        object({req("name", string()), opt("fifo", boolean()), opt("attributes", map(any())),
                opt("dead_letter", object({req("queue", string()), opt("max_receive_count", integer())})),
                opt("tags", map(string()))}),
        [](const Value& q, const std::string& path) {
            const Value* fifo = q.find("fifo");
            const std::string& name = q.find("name")->text();
            bool is_fifo = fifo && fifo->text() == "true";
            bool suffix = name.size() > 5 && name.ends_with(".fifo");
            if (is_fifo != suffix)
                throw error_at(q.find("name")->mark(), join_path(path, "name"),
                               is_fifo ? fmt::format("FIFO queue '{}' must end in .fifo", name)
                                       : fmt::format("queue '{}' ends in .fifo but fifo is not true", name));
        });
    return object({opt("queues", list(queue))});
}

// A dead-letter queue must be a queue of the same block.
void check_sqs(const Value& block, const std::string& path, const SeedSiblings&) {
    const Value* queues_list = block.find("queues");
    if (!queues_list) return;
    std::set<std::string> queues = names_in(queues_list);
    for (std::size_t i = 0; i < queues_list->items().size(); ++i)
        if (const Value* dl = queues_list->items()[i].find("dead_letter"))
            must_name(*dl->find("queue"), queues,
                      join_path(join_path(index_path(join_path(path, "queues"), i), "dead_letter"), "queue"),
                      "dead-letter queue");
}

// ---- purge (LocalStack's reset) -----------------------------------------------------------

bool purge_sqs(const SeedTarget& target, const std::string& service, SeedSink& sink) {
    AwsPurge p(target, service, sink, "sqs");
    p.each(
        [&](AwsClient& c, std::vector<std::string>& urls) {
            std::string token;
            do {
                json in = {{"MaxResults", 1000}};
                if (!token.empty()) in["NextToken"] = token;
                AwsResult r = c.call_json("sqs", "ListQueues", in);
                if (p.list_failed(r, c)) return false;
                json body = r.json();
                for (const auto& u : body.value("QueueUrls", json::array())) urls.push_back(u);
                token = jstr(body, "NextToken");
            } while (!token.empty());
            return true;
        },
        [&](AwsClient& c, const std::string& url) {
            std::string name = url.substr(url.rfind('/') + 1);
            AwsResult r = c.call_json("sqs", "DeleteQueue", {{"QueueUrl", url}});
            require_reachable(r, c);
            if (!r.ok()) return p.failed("queue " + name, r);
            p.removed("queue " + name);
        });
    return p.ok();
}

}  // namespace

extern const SeedKind sqs_kind;
const SeedKind sqs_kind{
    .name = "sqs",
    .family = "aws",
    .summary = "standard and FIFO queues with attributes, dead-letter queues and tags",
    .phase = 0,
    .aws_service = "sqs",
    .schema = sqs_schema,
    .check = check_sqs,
    .seed = seed_sqs,
    .purge = purge_sqs,
};

}  // namespace devenv

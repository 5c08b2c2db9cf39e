// The `kafka` seed kind (librdkafka admin API): the cluster's topics read once from metadata,
// missing topics created in one CreateTopics request, too few partitions raised in one
// CreatePartitions request, declared configs compared (DescribeConfigs) and corrected
// (AlterConfigs). Kafka cannot remove partitions or change the replication factor in place:
// that drift is reported, and --force recreates the topic.
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include "probe/probe.hpp"
#include "probe/short_detail.hpp"
#include "seed/data_support.hpp"
#include "seed/kind.hpp"

namespace devenv {

namespace {

// Each admin request waits at most the service's wait timeout, within these bounds.
constexpr int kMinRequestTimeoutMs = 1000;
constexpr int kMaxRequestTimeoutMs = 15000;

struct TopicInfo {
    int partitions = 0;
    int replication = 0;
};

struct TopicConfigs {
    std::map<std::string, std::string> effective;  // every config's value
    std::map<std::string, std::string> overrides;  // those set on the topic itself
};

struct TopicDecl {
    std::string name;
    int partitions = -1;   // -1: broker default
    int replication = -1;  // -1: broker default
    std::map<std::string, std::string> configs;
};

void quiet_log(const rd_kafka_t*, int, const char*, const char*) {}

struct EventDeleter {
    void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using Event = std::unique_ptr<rd_kafka_event_t, EventDeleter>;

// One admin client (a producer handle) and a queue its results arrive on.
class KafkaAdmin {
public:
    explicit KafkaAdmin(const ProbeSpec& probe)
        : timeout_ms_(static_cast<int>(std::clamp<long long>(probe.timeout.count(), kMinRequestTimeoutMs, kMaxRequestTimeoutMs))) {
        char err[512] = {};
        bool ipv6 = probe.host.find(':') != std::string::npos && !probe.host.starts_with('[');
        auto servers = ipv6 ? fmt::format("[{}]:{}", probe.host, probe.port) : fmt::format("{}:{}", probe.host, probe.port);
        where_ = servers;
        // librdkafka retries a refused bootstrap until its timeout; a plain connect says so at once.
        if (auto tcp = probe_tcp(probe); !tcp.ready)
            throw Error(ErrorKind::seed, fmt::format("Kafka at {}: cannot list topics: {}", servers, tcp.detail));
        rd_kafka_conf_t* conf = rd_kafka_conf_new();  // after every early exit above: no leak
        for (auto [k, v] : {std::pair<const char*, std::string>{"bootstrap.servers", servers},
                            {"client.id", "devenv-seed"},
                            {"socket.timeout.ms", "10000"}}) {
            if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
                rd_kafka_conf_destroy(conf);
                throw Error(ErrorKind::seed, fmt::format("kafka config {}: {}", k, err));
            }
        }
        rd_kafka_conf_set_log_cb(conf, quiet_log);  // only ui/ writes to the terminal
        rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        if (!rk_) {
            rd_kafka_conf_destroy(conf);
            throw Error(ErrorKind::seed, fmt::format("kafka client: {}", short_detail(err)));
        }
        queue_ = rd_kafka_queue_new(rk_);
    }
    ~KafkaAdmin() {
        rd_kafka_queue_destroy(queue_);
        rd_kafka_destroy(rk_);
    }
    KafkaAdmin(const KafkaAdmin&) = delete;
    KafkaAdmin& operator=(const KafkaAdmin&) = delete;

    std::map<std::string, TopicInfo> topics() {
        const rd_kafka_metadata_t* md = nullptr;
        auto rc = rd_kafka_metadata(rk_, 1, nullptr, &md, timeout_ms_);
        if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
            throw Error(ErrorKind::seed, fmt::format("Kafka at {}: cannot list topics: {}", where_, rd_kafka_err2str(rc)));
        std::map<std::string, TopicInfo> out;
        for (int i = 0; i < md->topic_cnt; ++i) {
            const auto& t = md->topics[i];
            if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR && t.partition_cnt == 0) continue;
            out[t.topic] = {t.partition_cnt, t.partition_cnt > 0 ? t.partitions[0].replica_cnt : 0};
        }
        rd_kafka_metadata_destroy(md);
        return out;
    }

    // Topic name -> "" or the broker's error ("TOPIC_ALREADY_EXISTS: Topic 'x' already exists.").
    using Results = std::map<std::string, std::string>;

    Results create(const std::vector<TopicDecl>& topics) {
        std::vector<rd_kafka_NewTopic_t*> nt;
        Results out;
        char err[512];
        for (const auto& t : topics) {
            auto* n = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, t.replication, err, sizeof err);
            if (!n) {
                out[t.name] = err;
                continue;
            }
            for (const auto& [k, v] : t.configs) rd_kafka_NewTopic_set_config(n, k.c_str(), v.c_str());
            nt.push_back(n);
        }
        if (!nt.empty()) {
            auto* opts = options(RD_KAFKA_ADMIN_OP_CREATETOPICS);
            rd_kafka_CreateTopics(rk_, nt.data(), nt.size(), opts, queue_);
            rd_kafka_AdminOptions_destroy(opts);
            rd_kafka_NewTopic_destroy_array(nt.data(), nt.size());
            collect(out, topics_of(topics), [](rd_kafka_event_t* e, std::size_t* n) {
                return rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(e), n);
            });
        }
        return out;
    }

    Results remove(const std::vector<std::string>& names) {
        Results out;
        if (names.empty()) return out;
        std::vector<rd_kafka_DeleteTopic_t*> dt;
        for (const auto& n : names) dt.push_back(rd_kafka_DeleteTopic_new(n.c_str()));
        auto* opts = options(RD_KAFKA_ADMIN_OP_DELETETOPICS);
        rd_kafka_DeleteTopics(rk_, dt.data(), dt.size(), opts, queue_);
        rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_DeleteTopic_destroy_array(dt.data(), dt.size());
        collect(out, names, [](rd_kafka_event_t* e, std::size_t* n) {
            return rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(e), n);
        });
        return out;
    }

    // Deletes every record of the topics (DeleteRecords up to each partition's end) and keeps the
    // topics themselves. Topic -> "" or the broker's error for its first failing partition.
    Results truncate(const std::map<std::string, int>& partitions) {
        Results out;
        if (partitions.empty()) return out;
        auto* list = rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
        for (const auto& [name, count] : partitions) {
            out[name] = "";
            for (int p = 0; p < count; ++p)
                rd_kafka_topic_partition_list_add(list, name.c_str(), p)->offset = RD_KAFKA_OFFSET_END;
        }
        auto* del = rd_kafka_DeleteRecords_new(list);
        rd_kafka_topic_partition_list_destroy(list);
        auto* opts = options(RD_KAFKA_ADMIN_OP_DELETERECORDS);
        rd_kafka_DeleteRecords(rk_, &del, 1, opts, queue_);
        rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_DeleteRecords_destroy(del);
        Event ev = wait_event();
        std::string whole = !ev ? "no answer from the broker"
                            : rd_kafka_event_error(ev.get()) ? fmt::format("{}: {}", rd_kafka_err2name(rd_kafka_event_error(ev.get())),
                                                                           rd_kafka_event_error_string(ev.get()))
                                                             : "";
        if (!whole.empty()) {
            for (auto& [name, err] : out) err = whole;
            return out;
        }
        const auto* got = rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(ev.get()));
        for (int i = 0; got && i < got->cnt; ++i) {
            const auto& tp = got->elems[i];
            if (tp.err && out[tp.topic].empty()) out[tp.topic] = fmt::format("{}: {}", rd_kafka_err2name(tp.err), rd_kafka_err2str(tp.err));
        }
        return out;
    }

    Results grow(const std::vector<std::pair<std::string, int>>& to) {
        Results out;
        if (to.empty()) return out;
        std::vector<rd_kafka_NewPartitions_t*> np;
        std::vector<std::string> names;
        char err[512];
        for (const auto& [name, count] : to) {
            np.push_back(rd_kafka_NewPartitions_new(name.c_str(), static_cast<std::size_t>(count), err, sizeof err));
            names.push_back(name);
        }
        auto* opts = options(RD_KAFKA_ADMIN_OP_CREATEPARTITIONS);
        rd_kafka_CreatePartitions(rk_, np.data(), np.size(), opts, queue_);
        rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_NewPartitions_destroy_array(np.data(), np.size());
        collect(out, names, [](rd_kafka_event_t* e, std::size_t* n) {
            return rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(e), n);
        });
        return out;
    }

    // Topic -> its configs as the broker reports them; a topic missing from the answer failed
    // (`error` says why when the whole request failed).
    std::map<std::string, TopicConfigs> describe_configs(const std::vector<std::string>& names, std::string& error) {
        std::map<std::string, TopicConfigs> out;
        if (names.empty()) return out;
        std::vector<rd_kafka_ConfigResource_t*> res;
        for (const auto& n : names) res.push_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, n.c_str()));
        auto* opts = options(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
        rd_kafka_DescribeConfigs(rk_, res.data(), res.size(), opts, queue_);
        rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_ConfigResource_destroy_array(res.data(), res.size());
        Event ev = wait_event();
        if (!ev) {
            error = "no answer to DescribeConfigs";
            return out;
        }
        if (rd_kafka_event_error(ev.get())) {
            error = rd_kafka_event_error_string(ev.get());
            return out;
        }
        std::size_t n = 0;
        auto** rs = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev.get()), &n);
        for (std::size_t i = 0; i < n; ++i) {
            if (rd_kafka_ConfigResource_error(rs[i])) continue;
            auto& m = out[rd_kafka_ConfigResource_name(rs[i])];
            std::size_t cn = 0;
            auto** entries = rd_kafka_ConfigResource_configs(rs[i], &cn);
            for (std::size_t j = 0; j < cn; ++j) {
                const char* v = rd_kafka_ConfigEntry_value(entries[j]);
                std::string name = rd_kafka_ConfigEntry_name(entries[j]);
                m.effective[name] = v ? v : "";
                if (rd_kafka_ConfigEntry_source(entries[j]) == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG)
                    m.overrides[name] = v ? v : "";
            }
        }
        return out;
    }

    // AlterConfigs replaces a topic's whole set of overrides: `configs` must hold all of them.
    std::string alter_configs(const std::string& topic, const std::map<std::string, std::string>& configs) {
        auto* r = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
        for (const auto& [k, v] : configs) rd_kafka_ConfigResource_set_config(r, k.c_str(), v.c_str());
        auto* opts = options(RD_KAFKA_ADMIN_OP_ALTERCONFIGS);
        rd_kafka_AlterConfigs(rk_, &r, 1, opts, queue_);
        rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_ConfigResource_destroy(r);
        Event ev = wait_event();
        if (!ev) return "no answer to AlterConfigs";
        if (rd_kafka_event_error(ev.get())) return rd_kafka_event_error_string(ev.get());
        std::size_t n = 0;
        auto** rs = rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev.get()), &n);
        for (std::size_t i = 0; i < n; ++i)
            if (rd_kafka_ConfigResource_error(rs[i]))
                return fmt::format("{}: {}", rd_kafka_err2name(rd_kafka_ConfigResource_error(rs[i])),
                                   rd_kafka_ConfigResource_error_string(rs[i]) ? rd_kafka_ConfigResource_error_string(rs[i]) : "");
        return "";
    }

private:
    rd_kafka_AdminOptions_t* options(rd_kafka_admin_op_t op) {
        auto* o = rd_kafka_AdminOptions_new(rk_, op);
        char err[256];
        rd_kafka_AdminOptions_set_request_timeout(o, timeout_ms_, err, sizeof err);
        if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS ||
            op == RD_KAFKA_ADMIN_OP_CREATEPARTITIONS || op == RD_KAFKA_ADMIN_OP_DELETERECORDS)
            rd_kafka_AdminOptions_set_operation_timeout(o, timeout_ms_, err, sizeof err);
        return o;
    }

    Event wait_event() { return Event(rd_kafka_queue_poll(queue_, timeout_ms_ + 5000)); }

    static std::vector<std::string> topics_of(const std::vector<TopicDecl>& t) {
        std::vector<std::string> out;
        for (const auto& d : t) out.push_back(d.name);
        return out;
    }

    template <class Get>
    void collect(Results& out, const std::vector<std::string>& names, Get get) {
        Event ev = wait_event();
        std::string whole;
        if (!ev) whole = "no answer from the broker";
        else if (rd_kafka_event_error(ev.get()))
            whole = fmt::format("{}: {}", rd_kafka_err2name(rd_kafka_event_error(ev.get())), rd_kafka_event_error_string(ev.get()));
        if (!whole.empty()) {
            for (const auto& n : names)
                if (!out.count(n)) out[n] = whole;
            return;
        }
        std::size_t n = 0;
        const rd_kafka_topic_result_t** rs = get(ev.get(), &n);
        for (std::size_t i = 0; i < n; ++i) {
            auto code = rd_kafka_topic_result_error(rs[i]);
            const char* msg = rd_kafka_topic_result_error_string(rs[i]);
            out[rd_kafka_topic_result_name(rs[i])] =
                code ? fmt::format("{}: {}", rd_kafka_err2name(code), msg ? msg : rd_kafka_err2str(code)) : "";
        }
    }

    int timeout_ms_;
    rd_kafka_t* rk_ = nullptr;
    rd_kafka_queue_t* queue_ = nullptr;
    std::string where_;
};

std::vector<TopicDecl> declared_topics(const SeedDecl& decl) {
    std::vector<TopicDecl> out;
    if (const Value* topics = decl.spec.find("topics"))
        for (const auto& t : topics->items()) {
            TopicDecl d;
            d.name = t.find("name")->text();
            if (const Value* p = t.find("partitions")) d.partitions = static_cast<int>(p->as_int());
            if (const Value* r = t.find("replication_factor")) d.replication = static_cast<int>(r->as_int());
            if (const Value* c = t.find("configs"))
                for (const auto& e : c->entries()) d.configs[e.key] = e.value.text();
            out.push_back(std::move(d));
        }
    return out;
}

void report_results(const SeedJob& job, SeedSink& sink, const KafkaAdmin::Results& results, Outcome ok,
                    const std::map<std::string, std::string>& details) {
    for (const auto& [name, err] : results) {
        auto d = details.find(name);
        if (err.empty()) report(sink, job, "topic " + name, ok, d == details.end() ? "" : d->second);
        else report(sink, job, "topic " + name, Outcome::failed, err);
    }
}

// Waits until none of `names` is listed any more (deletion is asynchronous); false on timeout.
bool wait_gone(KafkaAdmin& admin, const std::vector<std::string>& names, std::chrono::milliseconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    for (auto delay = std::chrono::milliseconds(20);; delay = std::min(delay * 2, std::chrono::milliseconds(500))) {
        auto now = admin.topics();
        bool any = false;
        for (const auto& n : names) any = any || now.count(n);
        if (!any) return true;
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(delay);
    }
}

// Waits until every one of `names` is listed with `partitions[name]` partitions (a new topic
// reaches the broker's metadata a moment after CreateTopics returns, and an application that
// starts right after the seed would see UNKNOWN_TOPIC_OR_PARTITION); false on timeout.
bool wait_listed(KafkaAdmin& admin, const std::map<std::string, int>& partitions, std::chrono::milliseconds limit) {
    if (partitions.empty()) return true;
    auto until = std::chrono::steady_clock::now() + limit;
    for (auto delay = std::chrono::milliseconds(20);; delay = std::min(delay * 2, std::chrono::milliseconds(500))) {
        auto now = admin.topics();
        bool all = true;
        for (const auto& [n, count] : partitions) {
            auto it = now.find(n);
            all = all && it != now.end() && (count <= 0 || it->second.partitions >= count);
        }
        if (all) return true;
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(delay);
    }
}

// Topics the reset must not delete: Kafka's and Schema Registry's internal ones ("__...",
// "_schemas") and those another service stores its state in (Connect's *_topic parameters).
std::set<std::string> protected_topics(const SeedTarget& t) {
    std::set<std::string> out;
    if (t.profile)
        for (const auto& s : t.profile->services)
            if (s.params.is_mapping())
                for (const auto& e : s.params.entries())
                    if (e.key.ends_with("_topic") && e.value.is_scalar()) out.insert(e.value.text());
    return out;
}

// Prefixes of the topics the profile's declared connectors write ("cdc." for a Debezium connector
// with topic.prefix cdc; database.server.name before Debezium 2). A running connector keeps
// producing to its topics and Connect does not create a deleted one again, so a reset empties them
// instead of deleting them.
std::vector<std::string> connector_topic_prefixes(const SeedTarget& t) {
    std::vector<std::string> out;
    if (!t.profile) return out;
    for (const auto& d : t.profile->seeds) {
        if (d.kind != "connect") continue;
        const Value* list = d.spec.find("connectors");
        if (!list) continue;
        for (const auto& c : list->items()) {
            // The inline config wins over the file's, as in the connect seeder.
            nlohmann::json config = nlohmann::json::object();
            if (const Value* file = c.find("config_file")) {
                try {
                    auto j = nlohmann::json::parse(read_seed_file(d, file->text(), *file), nullptr, false);
                    if (j.is_object() && j.contains("config") && j["config"].is_object()) j = j["config"];
                    if (j.is_object()) config = j;
                } catch (const Error&) {
                    // The connect seeder reports an unreadable file.
                }
            }
            if (const Value* inline_config = c.find("config"); inline_config && inline_config->is_mapping())
                for (const auto& e : inline_config->entries()) config[e.key] = e.value.to_json();
            for (const char* key : {"topic.prefix", "database.server.name"})
                if (config.contains(key) && config[key].is_string() && !config[key].get<std::string>().empty()) {
                    out.push_back(config[key].get<std::string>() + ".");
                    break;
                }
        }
    }
    return out;
}

void seed_kafka(const SeedJob& job, SeedSink& sink) {
    auto declared = declared_topics(*job.decl);
    if (declared.empty()) return;
    KafkaAdmin admin(job.target.service->probe);
    auto existing = admin.topics();

    std::vector<TopicDecl> to_create, to_recreate;
    std::vector<std::pair<std::string, int>> to_grow;
    std::map<std::string, std::string> details;
    std::vector<const TopicDecl*> compare_configs;
    for (const auto& t : declared) {
        auto it = existing.find(t.name);
        if (it == existing.end()) {
            to_create.push_back(t);
            continue;
        }
        const TopicInfo& have = it->second;
        std::string resource = "topic " + t.name;
        if (job.force) {
            to_recreate.push_back(t);
            details[t.name] = "recreated (--force)";
            continue;
        }
        std::vector<std::string> drift;
        if (t.replication > 0 && have.replication != t.replication)
            drift.push_back(fmt::format("replication factor is {}, declared {} (--force recreates it)", have.replication, t.replication));
        if (t.partitions > 0 && have.partitions > t.partitions)
            drift.push_back(fmt::format("has {} partitions, declared {}; Kafka cannot remove partitions (--force recreates it)",
                                        have.partitions, t.partitions));
        if (t.partitions > 0 && have.partitions < t.partitions) {
            to_grow.emplace_back(t.name, t.partitions);
            details[t.name] = fmt::format("partitions {} -> {}", have.partitions, t.partitions);
            if (!drift.empty()) details[t.name] += "; " + drift.front();
            continue;
        }
        if (!drift.empty()) {
            std::string d;
            for (const auto& x : drift) d += (d.empty() ? "" : "; ") + x;
            report(sink, job, resource, Outcome::drift, d);
            continue;
        }
        if (!t.configs.empty()) compare_configs.push_back(&t);
        else report(sink, job, resource, Outcome::unchanged);
    }
    if (interrupted(job.target)) return;

    std::map<std::string, int> made;  // topics created or grown: partitions to wait for
    auto created = admin.create(to_create);
    for (const auto& t : to_create)
        if (created[t.name].empty()) made[t.name] = t.partitions;
    report_results(job, sink, created, Outcome::created, {});
    auto grown = admin.grow(to_grow);
    for (const auto& [name, count] : to_grow)
        if (grown[name].empty()) made[name] = count;
    report_results(job, sink, grown, Outcome::drift, details);
    if (!to_recreate.empty()) {
        std::vector<std::string> names;
        for (const auto& t : to_recreate) names.push_back(t.name);
        auto removed = admin.remove(names);
        std::vector<TopicDecl> again;
        for (const auto& t : to_recreate) {
            if (!removed[t.name].empty()) report(sink, job, "topic " + t.name, Outcome::failed, "deleting: " + removed[t.name]);
            else again.push_back(t);
        }
        names.clear();
        for (const auto& t : again) names.push_back(t.name);
        wait_gone(admin, names, std::chrono::seconds(30));
        auto recreated = admin.create(again);
        for (const auto& t : again)
            if (recreated[t.name].empty()) made[t.name] = t.partitions;
        report_results(job, sink, recreated, Outcome::updated, details);
    }
    if (!wait_listed(admin, made, std::chrono::seconds(15)))
        report(sink, job, "topics", Outcome::failed, "created topics are not all listed by the broker after 15 s");

    if (compare_configs.empty()) return;
    std::vector<std::string> names;
    for (const auto* t : compare_configs) names.push_back(t->name);
    std::string error;
    auto current = admin.describe_configs(names, error);
    for (const auto* t : compare_configs) {
        std::string resource = "topic " + t->name;
        auto it = current.find(t->name);
        if (it == current.end()) {
            report(sink, job, resource, Outcome::failed,
                   "reading its configs: " + (error.empty() ? std::string("not in the DescribeConfigs answer") : error));
            continue;
        }
        std::vector<std::string> diffs;
        for (const auto& [k, v] : t->configs) {
            const auto& eff = it->second.effective;
            auto have = eff.find(k);
            if (have == eff.end() || have->second != v)
                diffs.push_back(fmt::format("{} was {}", k, have == eff.end() ? "unset" : have->second));
        }
        if (diffs.empty()) {
            report(sink, job, resource, Outcome::unchanged);
            continue;
        }
        auto merged = it->second.overrides;  // AlterConfigs replaces them all
        for (const auto& [k, v] : t->configs) merged[k] = v;
        std::string d;
        for (const auto& x : diffs) d += (d.empty() ? "" : ", ") + x;
        if (auto err = admin.alter_configs(t->name, merged); !err.empty())
            report(sink, job, resource, Outcome::failed, d + "; altering: " + err);
        else
            report(sink, job, resource, Outcome::drift, d + "; updated");
    }
}

void unseed_kafka(const SeedJob& job, SeedSink& sink) {
    KafkaAdmin admin(job.target.service->probe);
    auto existing = admin.topics();
    auto keep = protected_topics(job.target);
    auto prefixes = connector_topic_prefixes(job.target);
    std::set<std::string> declared;
    for (const auto& t : declared_topics(*job.decl)) declared.insert(t.name);
    std::vector<std::string> doomed;
    std::map<std::string, int> emptied;
    std::map<std::string, std::string> why;
    for (const auto& [name, info] : existing) {
        if (name.starts_with("_") || keep.count(name)) continue;
        bool connector_output = !declared.count(name) &&
                                std::any_of(prefixes.begin(), prefixes.end(), [&topic = name](const std::string& p) { return topic.starts_with(p); });
        if (connector_output) {
            emptied[name] = info.partitions;
            continue;
        }
        doomed.push_back(name);
        why[name] = declared.count(name) ? "deleted to recreate" : "not declared: deleted";
    }
    // A compacted topic refuses DeleteRecords: deleting it is then the only way to empty it.
    auto truncated = admin.truncate(emptied);
    KafkaAdmin::Results kept;
    for (const auto& [name, err] : truncated) {
        if (err.empty()) {
            kept[name] = "";
            why[name] = "records deleted (a declared connector writes to it)";
        } else {
            doomed.push_back(name);
            why[name] = "a declared connector writes to it, records not deletable (" + err + "): deleted";
        }
    }
    auto results = admin.remove(doomed);
    std::vector<std::string> gone;
    for (const auto& [name, err] : results)
        if (err.empty()) gone.push_back(name);
    if (!wait_gone(admin, gone, std::chrono::seconds(30)))
        report(sink, job, "topics", Outcome::failed, "deleted topics are still listed after 30 s");
    report_results(job, sink, results, Outcome::removed, why);
    report_results(job, sink, kept, Outcome::removed, why);
}

SchemaPtr kafka_schema() {
    using namespace schema;
    return object({opt("topics", named_list({opt("partitions", integer()), opt("replication_factor", integer()),
                                             opt("configs", map(string()))}))});
}

}  // namespace

extern const SeedKind kafka_kind;
const SeedKind kafka_kind{
    .name = "kafka",
    .family = "kafka",
    .summary = "topics with partitions, replication factor and configs",
    .schema = kafka_schema,
    .seed = seed_kafka,
    .reset_template = "kafka",
    .unseed = unseed_kafka,
};

}  // namespace devenv

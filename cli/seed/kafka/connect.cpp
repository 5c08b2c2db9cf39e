// The `connect` seed kind (Kafka Connect REST API): each connector's config from the profile or
// a JSON file, compared with GET /connectors/NAME/config, written with PUT (create or update),
// then waited on until the connector and all its tasks are RUNNING, bounded by the service's
// wait timeout. Connectors are handled concurrently.
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "seed/data_support.hpp"
#include "seed/kind.hpp"
#include "util/strings.hpp"

namespace devenv {

namespace {

struct ConnectorDecl {
    std::string name;
    nlohmann::json config;  // string values; no "name"
    std::string error;      // reading the file failed
};

std::vector<ConnectorDecl> declared_connectors(const SeedJob& job, SeedSink& sink) {
    std::vector<ConnectorDecl> out;
    const Value* list = job.decl->spec.find("connectors");
    if (!list) return out;
    for (const auto& c : list->items()) {
        ConnectorDecl d;
        d.name = c.find("name")->text();
        nlohmann::json config = nlohmann::json::object();
        if (const Value* file = c.find("config_file")) {
            auto text = read_file_or_report(job, sink, "connector " + d.name, file->text(), *file);
            if (!text) continue;
            auto j = nlohmann::json::parse(*text, nullptr, false);
            // Either Connect's create body {"name", "config"} or the config itself.
            if (j.is_object() && j.contains("config") && j["config"].is_object()) j = j["config"];
            if (!j.is_object()) {
                report(sink, job, "connector " + d.name, Outcome::failed,
                       fmt::format("{} is not a JSON object of connector settings", file->text()));
                continue;
            }
            config = j;
        }
        if (const Value* inline_config = c.find("config"))
            for (const auto& e : inline_config->entries()) config[e.key] = e.value.to_json();
        d.config = string_map(config);
        d.config.erase("name");
        out.push_back(std::move(d));
    }
    return out;
}

std::string connector_url(const SeedJob& job, const std::string& name, const std::string& tail = {}) {
    return base_url(job.target.service->endpoint) + "/connectors/" + url_encode(name) + tail;
}

// "" once the connector and every task run; the reason otherwise (after the deadline).
std::string wait_running(const SeedJob& job, HttpClient& http, const std::string& name) {
    using namespace std::chrono;
    auto limit = std::max(job.target.service->probe.timeout, milliseconds(1000));
    auto until = steady_clock::now() + limit;
    std::string last = "no status yet";
    for (auto delay = milliseconds(50);; delay = std::min(delay * 2, milliseconds(1000))) {
        auto r = http_call(http, "GET", connector_url(job, name, "/status"));
        if (r.status == 200) {
            auto j = nlohmann::json::parse(r.body, nullptr, false);
            std::string state = j.is_object() ? j.value(nlohmann::json::json_pointer("/connector/state"), std::string("?")) : "?";
            if (state == "FAILED")
                return "connector FAILED: " + j.value(nlohmann::json::json_pointer("/connector/trace"), std::string("no trace")).substr(0, 300);
            bool all_running = state == "RUNNING" && j.contains("tasks") && j["tasks"].is_array() && !j["tasks"].empty();
            last = "connector " + state;
            if (j.contains("tasks") && j["tasks"].is_array()) {
                if (j["tasks"].empty()) last += ", no tasks yet";
                for (const auto& t : j["tasks"]) {
                    std::string ts = t.value("state", std::string("?"));
                    if (ts == "FAILED")
                        return fmt::format("task {} FAILED: {}", t.value("id", 0), t.value("trace", std::string("no trace")).substr(0, 300));
                    if (ts != "RUNNING") {
                        all_running = false;
                        last += fmt::format(", task {} {}", t.value("id", 0), ts);
                    }
                }
            }
            if (all_running) return "";
        } else {
            last = http_failure(r);
        }
        if (steady_clock::now() + delay > until || interrupted(job.target))
            return fmt::format("not RUNNING after {} s: {}", duration_cast<seconds>(limit).count(), last);
        std::this_thread::sleep_for(delay);
    }
}

// "" once the connector reports STOPPED (after PUT /stop); the reason otherwise.
std::string wait_stopped(const SeedJob& job, HttpClient& http, const std::string& name) {
    using namespace std::chrono;
    auto until = steady_clock::now() + std::max(job.target.service->probe.timeout, milliseconds(1000));
    std::string last = "no status yet";
    for (auto delay = milliseconds(50);; delay = std::min(delay * 2, milliseconds(500))) {
        auto r = http_call(http, "GET", connector_url(job, name, "/status"));
        if (r.status == 200) {
            auto j = nlohmann::json::parse(r.body, nullptr, false);
            last = j.is_object() ? j.value(nlohmann::json::json_pointer("/connector/state"), std::string("?")) : "?";
            if (last == "STOPPED") return "";
        } else {
            last = http_failure(r);
        }
        if (steady_clock::now() + delay > until || interrupted(job.target)) return "still " + last;
        std::this_thread::sleep_for(delay);
    }
}

// Connect's own validation of a config it refused ("" when it finds nothing wrong): PUT
// /connectors/NAME/config does not always say (Connect 4.3 answers 500 with a
// NullPointerException for a Debezium 3.6 config with invalid values), the plugin's validate
// endpoint does: "plugin.name: The 'plugin.name' value is invalid: Value must be one of ...".
std::string validation_errors(const SeedJob& job, HttpClient& http, const ConnectorDecl& c) {
    if (!c.config.contains("connector.class") || !c.config["connector.class"].is_string()) return "";
    auto body = c.config;
    body["name"] = c.name;
    auto r = http_call(http, "PUT",
                       base_url(job.target.service->endpoint) + "/connector-plugins/" +
                           url_encode(c.config["connector.class"].get<std::string>()) + "/config/validate",
                       body.dump());
    if (r.status != 200) return "";
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("configs") || !j["configs"].is_array()) return "";
    std::vector<std::string> errors;
    for (const auto& conf : j["configs"]) {
        const auto* value = conf.contains("value") && conf["value"].is_object() ? &conf["value"] : nullptr;
        if (!value || !value->contains("errors") || !(*value)["errors"].is_array()) continue;
        for (const auto& e : (*value)["errors"])
            if (e.is_string()) errors.push_back(fmt::format("{}: {}", value->value("name", std::string("?")), e.get<std::string>()));
    }
    return join(errors, "; ");
}

void seed_connector(const SeedJob& job, SeedSink& sink, const ConnectorDecl& c) {
    HttpClient http;
    std::string resource = "connector " + c.name;
    auto current = http_call(http, "GET", connector_url(job, c.name, "/config"));
    Outcome outcome;
    std::string detail;
    if (current.status == 404) {
        outcome = Outcome::created;
    } else if (current.status == 200) {
        auto have = nlohmann::json::parse(current.body, nullptr, false);
        if (have.is_object()) have.erase("name");
        if (have == c.config && !job.force) {
            outcome = Outcome::unchanged;
        } else {
            outcome = Outcome::updated;
            std::vector<std::string> keys;
            for (auto it = c.config.begin(); it != c.config.end(); ++it)
                if (!have.is_object() || !have.contains(it.key()) || have[it.key()] != *it) keys.push_back(it.key());
            if (have.is_object())
                for (auto it = have.begin(); it != have.end(); ++it)
                    if (!c.config.contains(it.key())) keys.push_back(it.key() + " (not declared)");
            detail = keys.empty() ? "re-applied (--force)" : "config differed: " + join(keys, ", ");
        }
    } else {
        return report(sink, job, resource, Outcome::failed, "reading its config: " + http_failure(current));
    }
    if (outcome != Outcome::unchanged) {
        auto put = http_call(http, "PUT", connector_url(job, c.name, "/config"), c.config.dump());
        if (put.status != 200 && put.status != 201) {
            auto why = validation_errors(job, http, c);
            return report(sink, job, resource, Outcome::failed,
                          why.empty() ? http_failure(put) : fmt::format("Connect rejects the config: {} ({})", why, http_failure(put)));
        }
    }
    if (auto why = wait_running(job, http, c.name); !why.empty())
        return report(sink, job, resource, Outcome::failed,
                      outcome == Outcome::unchanged ? why : fmt::format("{}, but {}", outcome_name(outcome), why));
    report(sink, job, resource, outcome, detail);
}

void seed_connect(const SeedJob& job, SeedSink& sink) {
    auto connectors = declared_connectors(job, sink);
    parallel_for(connectors.size(), ParallelOptions{}, [&](std::size_t i) {
        if (!interrupted(job.target)) seed_connector(job, sink, connectors[i]);
    });
}

// A reset must also forget where each connector stopped reading: Connect keeps source offsets in
// its offsets topic after the connector is deleted, so a connector registered again under the same
// name resumes (Debezium then skips its snapshot, or fails when PostgreSQL's reset dropped the
// replication slot those offsets point into). Connect 3.6+ (KIP-875): stop the connector, wait
// until it is STOPPED, DELETE its offsets, then delete it.
void unseed_connect(const SeedJob& job, SeedSink& sink) {
    HttpClient http;
    const Value* list = job.decl->spec.find("connectors");
    if (!list) return;
    for (const auto& c : list->items()) {
        if (interrupted(job.target)) return;
        std::string name = c.find("name")->text();
        std::string resource = "connector " + name;
        // No body; Connect's JAX-RS resource refuses (415) the form type an empty PUT would get.
        auto stop = http_call(http, "PUT", connector_url(job, name, "/stop"), "", Headers{{"Content-Type", "application/json"}});
        // Not registered ("Unknown connector NAME"); a Connect without /stop answers 404 or 405
        // without the name.
        if (stop.status == 404 && stop.body.find(name) != std::string::npos) continue;
        std::string offsets = "offsets kept (this Connect has no offsets API)";
        if (stop.status / 100 == 2) {
            if (auto why = wait_stopped(job, http, name); !why.empty())
                return report(sink, job, resource, Outcome::failed, "stopping it to reset its offsets: " + why);
            auto del = http_call(http, "DELETE", connector_url(job, name, "/offsets"));
            if (del.status / 100 != 2)
                return report(sink, job, resource, Outcome::failed, "deleting its offsets: " + http_failure(del));
            offsets = "offsets deleted";
        } else if (stop.status != 404 && stop.status != 405) {
            return report(sink, job, resource, Outcome::failed, "stopping it: " + http_failure(stop));
        }
        auto r = http_call(http, "DELETE", connector_url(job, name));
        if (r.status == 404) continue;
        if (r.status / 100 == 2) report(sink, job, resource, Outcome::removed, offsets + ", deleted to re-register");
        else report(sink, job, resource, Outcome::failed, "deleting: " + http_failure(r));
    }
}

SchemaPtr connect_schema() {
    using namespace schema;
    return object({opt("connectors", named_list({opt("config", map(any())), opt("config_file", string())}))});
}

}  // namespace

extern const SeedKind connect_kind;
const SeedKind connect_kind{
    .name = "connect",
    .family = "kafka",
    .summary = "Kafka Connect connectors (inline config or a JSON file), waited on until RUNNING",
    .schema = connect_schema,
    .seed = seed_connect,
    .reset_template = "debezium-connect",
    .unseed = unseed_connect,
};

}  // namespace devenv

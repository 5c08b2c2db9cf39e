// The connect, schema_registry and vault seeders against a local HTTP server that speaks the
// documented subset of each REST API (NOT the real services: none of their images can be pulled
// here). Covers create, unchanged, drift, the server's error text, and reset.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <mutex>

#include <fmt/format.h>

#include "http_test_server.hpp"
#include "seed/kinds.hpp"
#include "test_seed_data_fixture.hpp"

using namespace devenv;
using namespace devenv::seed_data_test;
using devenv::test::HttpTestServer;
using devenv::test::Reply;
using devenv::test::SeenRequest;
using nlohmann::json;

namespace {

ServiceProbe http_probe(int port) {
    ServiceProbe p;
    p.probe.kind = "http";
    p.endpoint.port = port;
    p.probe.timeout = std::chrono::milliseconds(2000);
    return p;
}

Reply json_reply(int status, const json& body) { return Reply{status, {{"Content-Type", "application/json"}}, body.dump()}; }

std::vector<std::string> path_parts(const std::string& target) {
    auto path = target.substr(0, target.find('?'));
    auto parts = split(path.substr(1), '/');
    return parts;
}

// Kafka Connect: /connectors/NAME/config (GET, PUT), /connectors/NAME/status, DELETE /connectors/NAME,
// PUT /connectors/NAME/stop and DELETE /connectors/NAME/offsets (only on a stopped connector).
struct FakeConnect {
    std::mutex mu;
    std::map<std::string, json> configs;
    std::map<std::string, int> status_calls;
    std::set<std::string> stopped;
    std::vector<std::string> offsets_deleted;
    HttpTestServer server{[this](const SeenRequest& r) { return handle(r); }};

    Reply handle(const SeenRequest& r) {
        std::lock_guard lock(mu);
        auto p = path_parts(r.target);
        if (p.size() == 4 && p[0] == "connector-plugins" && p[3] == "validate" && r.method == "PUT") {
            auto c = json::parse(r.body);
            json value = {{"name", "plugin.name"}, {"errors", json::array()}};
            if (c.value("plugin.name", "") == "nope")
                value["errors"].push_back("The 'plugin.name' value is invalid: Value must be one of decoderbufs, pgoutput");
            return json_reply(200, {{"name", p[1]}, {"error_count", value["errors"].size()},
                                    {"configs", json::array({{{"definition", {{"name", "x"}}}}, {{"value", value}}})}});
        }
        if (p.size() < 2 || p[0] != "connectors") return json_reply(404, {{"error_code", 404}, {"message", "HTTP 404 Not Found"}});
        const std::string& name = p[1];
        bool known = configs.count(name) > 0;
        auto not_found = json{{"error_code", 404}, {"message", fmt::format("Connector {} not found", name)}};
        if (p.size() == 2 && r.method == "DELETE") {
            if (!known) return json_reply(404, not_found);
            configs.erase(name);
            stopped.erase(name);
            return Reply{204, {}, ""};
        }
        if (p.size() == 3 && p[2] == "stop" && r.method == "PUT") {
            if (!known) return json_reply(404, not_found);
            stopped.insert(name);
            return Reply{202, {}, ""};
        }
        if (p.size() == 3 && p[2] == "offsets" && r.method == "DELETE") {
            if (!known) return json_reply(404, not_found);
            if (!stopped.count(name))
                return json_reply(400, {{"error_code", 400}, {"message", "Connectors must be in the STOPPED state"}});
            offsets_deleted.push_back(name);
            return json_reply(200, {{"message", "The offsets for this connector have been reset successfully"}});
        }
        if (p.size() == 3 && p[2] == "config" && r.method == "GET") {
            if (!known) return json_reply(404, not_found);
            auto c = configs[name];
            c["name"] = name;
            return json_reply(200, c);
        }
        if (p.size() == 3 && p[2] == "config" && r.method == "PUT") {
            auto c = json::parse(r.body);
            if (!c.contains("connector.class"))
                return json_reply(400, {{"error_code", 400},
                                        {"message", "Connector config {} contains no connector type"}});
            if (c.value("plugin.name", "") == "nope")  // as Connect 4.3 answers for Debezium 3.6
                return json_reply(500, {{"error_code", 500}, {"message", "Cannot invoke ConfigValueInfo.errors()"}});
            configs[name] = c;
            status_calls[name] = 0;
            return json_reply(known ? 200 : 201, {{"name", name}, {"config", c}, {"tasks", json::array()}});
        }
        if (p.size() == 3 && p[2] == "status") {
            if (!known) return json_reply(404, not_found);
            int n = status_calls[name]++;
            json tasks = json::array();
            if (n >= 1) {  // the first answer has no task yet, as after a real PUT
                bool broken = configs[name].value("fail", "") == "yes";
                tasks.push_back({{"id", 0}, {"state", broken ? "FAILED" : "RUNNING"},
                                 {"trace", "org.apache.kafka.connect.errors.ConnectException: cannot reach db"}});
            }
            if (stopped.count(name)) tasks = json::array();
            return json_reply(200, {{"name", name}, {"connector", {{"state", stopped.count(name) ? "STOPPED" : "RUNNING"}}},
                                    {"tasks", tasks}});
        }
        return json_reply(405, {{"error_code", 405}, {"message", "HTTP 405 Method Not Allowed"}});
    }
};

// Schema Registry: GET /subjects/S/versions/latest, POST /subjects/S/versions, DELETE /subjects/S.
struct FakeRegistry {
    std::mutex mu;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> subjects;  // (schema, type)
    int next_id = 1;
    HttpTestServer server{[this](const SeenRequest& r) { return handle(r); }};

    Reply handle(const SeenRequest& r) {
        std::lock_guard lock(mu);
        auto p = path_parts(r.target);
        std::string s = p.size() > 1 ? p[1] : "";
        auto not_found = json{{"error_code", 40401}, {"message", fmt::format("Subject '{}' not found.", s)}};
        if (p.size() == 4 && r.method == "GET") {
            auto it = subjects.find(s);
            if (it == subjects.end() || it->second.empty()) return json_reply(404, not_found);
            json out = {{"subject", s}, {"version", it->second.size()}, {"id", 100 + it->second.size()},
                        {"schema", it->second.back().first}};
            if (it->second.back().second != "AVRO") out["schemaType"] = it->second.back().second;
            return json_reply(200, out);
        }
        if (p.size() == 3 && r.method == "POST") {
            auto body = json::parse(r.body);
            std::string type = body.value("schemaType", "AVRO");
            auto parsed = json::parse(body["schema"].get<std::string>(), nullptr, false);
            if (type != "PROTOBUF" && parsed.is_discarded())
                return json_reply(422, {{"error_code", 42201}, {"message", "Either the input schema or one of its references is invalid"}});
            if (s == "strict-value" && subjects.count(s))
                return json_reply(409, {{"error_code", 409}, {"message", "Schema being registered is incompatible with an earlier schema for subject \"strict-value\""}});
            // Stored normalised, as the registry does.
            subjects[s].emplace_back(type == "PROTOBUF" ? body["schema"].get<std::string>() : parsed.dump(), type);
            return json_reply(200, {{"id", next_id++}});
        }
        if (p.size() == 2 && r.method == "DELETE") {
            if (!subjects.count(s)) return json_reply(404, not_found);
            if (r.target.find("permanent=true") != std::string::npos) subjects.erase(s);
            return json_reply(200, json::array({1}));
        }
        return json_reply(405, {{"error_code", 405}, {"message", "Method Not Allowed"}});
    }
};

// Vault KV v2 at secret/: GET/POST /v1/secret/data/PATH, DELETE /v1/secret/metadata/PATH.
struct FakeVault {
    std::mutex mu;
    std::map<std::string, std::vector<json>> secrets;
    HttpTestServer server{[this](const SeenRequest& r) { return handle(r); }};

    Reply handle(const SeenRequest& r) {
        std::lock_guard lock(mu);
        if (r.head.find("X-Vault-Token: tok") == std::string::npos) return json_reply(403, {{"errors", {"permission denied"}}});
        auto p = path_parts(r.target);
        if (p.size() < 4 || p[0] != "v1" || p[1] != "secret") return json_reply(404, {{"errors", json::array()}});
        std::string path;
        for (std::size_t i = 3; i < p.size(); ++i) path += (path.empty() ? "" : "/") + p[i];
        if (p[2] == "metadata" && r.method == "DELETE") {
            secrets.erase(path);
            return Reply{204, {}, ""};
        }
        if (p[2] != "data") return json_reply(404, {{"errors", json::array()}});
        if (r.method == "GET") {
            if (!secrets.count(path)) return json_reply(404, {{"errors", json::array()}});
            auto& v = secrets[path];
            return json_reply(200, {{"data", {{"data", v.back()}, {"metadata", {{"version", v.size()}}}}}});
        }
        auto body = json::parse(r.body);
        if (!body.contains("data")) return json_reply(400, {{"errors", {"no data provided"}}});
        secrets[path].push_back(body["data"]);
        return json_reply(200, {{"data", {{"version", secrets[path].size()}}}});
    }
};

}  // namespace

TEST_SUITE("seed") {

TEST_CASE("seed connect (fake REST server): register, wait RUNNING, unchanged, updated on drift, errors, reset") {
    FakeConnect fake;
    Fixture f("debezium-connect", http_probe(fake.server.port()));
    f.write("connectors/other.json",
            R"({"name": "from-file", "config": {"connector.class": "io.debezium.connector.mongodb.MongoDbConnector", "tasks.max": "1"}})");
    f.declare("connect", R"(
connectors:
  - name: app-cdc
    config:
      connector.class: io.debezium.connector.postgresql.PostgresConnector
      database.hostname: db
      database.port: 5432
      topic.prefix: app
  - name: from-file
    config_file: connectors/other.json
)");
    auto first = f.seed();
    auto o = outcomes(first);
    CHECK(o["connector app-cdc"] == "created");
    CHECK(o["connector from-file"] == "created");
    CHECK(fake.configs["app-cdc"]["database.port"] == "5432");  // Connect wants strings
    CHECK(fake.configs["from-file"]["tasks.max"] == "1");
    CHECK_FALSE(fake.configs["from-file"].contains("name"));

    CHECK(count(f.seed(), Outcome::unchanged) == 2);

    fake.configs["app-cdc"]["database.port"] = "5433";
    fake.configs["app-cdc"]["extra"] = "x";
    auto drift = f.seed();
    CHECK(outcomes(drift)["connector app-cdc"] == "updated");
    CHECK(detail_of(drift, "connector app-cdc") == "config differed: database.port, extra (not declared)");
    CHECK(fake.configs["app-cdc"]["database.port"] == "5432");
    CHECK_FALSE(fake.configs["app-cdc"].contains("extra"));

    f.declare("connect", R"(
connectors:
  - {name: no-class, config: {topic.prefix: x}}
  - {name: broken, config: {connector.class: X, fail: "yes"}}
  - {name: missing-file, config_file: nope.json}
  - {name: invalid, config: {connector.class: X, plugin.name: nope}}
)");
    auto errors = f.seed();
    CHECK(detail_of(errors, "connector no-class") == "HTTP 400: 400 Connector config {} contains no connector type");
    CHECK(detail_of(errors, "connector broken") ==
          "created, but task 0 FAILED: org.apache.kafka.connect.errors.ConnectException: cannot reach db");
    CHECK(detail_of(errors, "connector missing-file").find("cannot read seed file") != std::string::npos);
    CHECK(detail_of(errors, "connector invalid") ==
          "Connect rejects the config: plugin.name: The 'plugin.name' value is invalid: Value must be one of decoderbufs, "
          "pgoutput (HTTP 500: 500 Cannot invoke ConfigValueInfo.errors())");
    CHECK(count(errors, Outcome::failed) == 4);

    // Reset: the declared connectors are stopped, their offsets deleted (so a source connector
    // starts over, Debezium with a new snapshot), deleted and registered again.
    f.declare("connect", "connectors: [{name: app-cdc, config: {connector.class: X}}]");
    REQUIRE_FALSE(f.seed().any_failed());
    fake.configs["app-cdc"]["changed-by-app"] = "1";
    SeedSink sink;
    find_reset_strategy("debezium-connect")->reset(f.service_job(), sink);
    auto results = sink.results();
    REQUIRE(results.size() == 2);
    CHECK(results[0].outcome == Outcome::removed);
    CHECK(results[0].detail == "offsets deleted, deleted to re-register");
    CHECK(results[1].outcome == Outcome::created);
    CHECK_FALSE(fake.configs["app-cdc"].contains("changed-by-app"));
    CHECK(fake.offsets_deleted == std::vector<std::string>{"app-cdc"});
    CHECK(fake.stopped.empty());
}

TEST_CASE("seed schema_registry (fake REST server): register, unchanged despite spacing, new version on drift, 409/422") {
    FakeRegistry fake;
    Fixture f("schema-registry", http_probe(fake.server.port()));
    f.write("schemas/customer.json", R"({"type": "object", "properties": {"id": {"type": "string"}}})");
    f.declare("schema_registry", R"(
subjects:
  - subject: orders-value
    schema: '{"type": "record", "name": "Order", "fields": [{"name": "id", "type": "string"}]}'
  - subject: customers-value
    type: JSON
    file: schemas/customer.json
  - subject: proto-value
    type: PROTOBUF
    schema: 'syntax = "proto3"; message M { string id = 1; }'
)");
    auto first = f.seed();
    auto o = outcomes(first);
    CHECK(o["subject orders-value"] == "created");
    CHECK(o["subject customers-value"] == "created");
    CHECK(o["subject proto-value"] == "created");
    CHECK(fake.subjects["customers-value"].back().second == "JSON");

    auto second = f.seed();
    CHECK(count(second, Outcome::unchanged) == 3);
    CHECK(detail_of(second, "subject orders-value") == "version 1");

    f.write("schemas/customer.json", R"({"type": "object", "properties": {"id": {"type": "integer"}}})");
    auto drift = f.seed();
    CHECK(outcomes(drift)["subject customers-value"] == "drift");
    CHECK(detail_of(drift, "subject customers-value").find("latest version 1 differed; registered") == 0);
    CHECK(fake.subjects["customers-value"].size() == 2);

    f.declare("schema_registry", "subjects: [{subject: strict-value, schema: '\"string\"'}]");
    REQUIRE_FALSE(f.seed().any_failed());  // strict-value v1
    f.declare("schema_registry", R"(
subjects:
  - {subject: strict-value, schema: '"int"'}
  - {subject: bad-value, schema: '{not json'}
)");
    auto errors = f.seed();
    CHECK(detail_of(errors, "subject strict-value") ==
          "HTTP 409: 409 Schema being registered is incompatible with an earlier schema for subject \"strict-value\"");
    CHECK(detail_of(errors, "subject bad-value") == "HTTP 422: 42201 Either the input schema or one of its references is invalid");

    // Reset: deleted (soft, then permanently) and registered again as version 1.
    f.declare("schema_registry", "subjects: [{subject: orders-value, schema: '\"string\"'}]");
    f.seed();
    REQUIRE(fake.subjects["orders-value"].size() == 2);
    SeedSink sink;
    find_reset_strategy("schema-registry")->reset(f.service_job(), sink);
    CHECK(outcomes(sink)["subject orders-value"] == "created");
    CHECK(fake.subjects["orders-value"].size() == 1);
}

TEST_CASE("seed vault (fake KV v2 server): secrets with the root token; unchanged, drift, permission error, reset") {
    FakeVault fake;
    Fixture f("vault", http_probe(fake.server.port()), "{root_token: tok}");
    f.declare("vault", R"(
kv:
  mount: secret
  secrets:
    acme/api: {db_password: s3cret, api_key: k-123}
    acme/worker: {threads: 4}
)");
    auto first = f.seed();
    CHECK(outcomes(first)["secret secret/acme/api"] == "created");
    CHECK(detail_of(first, "secret secret/acme/worker") == "written as version 1");
    CHECK(fake.secrets["acme/worker"].back()["threads"] == 4);

    CHECK(count(f.seed(), Outcome::unchanged) == 2);

    fake.secrets["acme/api"].push_back({{"db_password", "changed"}, {"api_key", "k-123"}});
    auto drift = f.seed();
    CHECK(outcomes(drift)["secret secret/acme/api"] == "drift");
    CHECK(detail_of(drift, "secret secret/acme/api") == "version 2 differed in db_password; written as version 3");

    Fixture wrong("vault", http_probe(fake.server.port()), "{root_token: other}");
    wrong.declare("vault", "kv: {secrets: {a: {b: c}}}");
    auto denied = wrong.seed();
    CHECK(detail_of(denied, "secret secret/a") == "reading it: HTTP 403: permission denied");

    fake.secrets["acme/api"].push_back({{"app", "wrote"}});
    SeedSink sink;
    find_reset_strategy("vault")->reset(f.service_job(), sink);
    CHECK(outcomes(sink)["secret secret/acme/api"] == "created");
    CHECK(fake.secrets["acme/api"].size() == 1);
    CHECK(fake.secrets["acme/api"].back()["db_password"] == "s3cret");
}

}  // TEST_SUITE

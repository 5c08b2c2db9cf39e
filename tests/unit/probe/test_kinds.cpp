// The probe kinds table: every kind has a row, the loader's language is built from the rows, and
// an attempt reaches its kind through the table (run_probe), as in `wait` and `status`.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "probe/kinds.hpp"
#include "test_probe_support.hpp"

using namespace devenv;

TEST_SUITE("probe.kinds") {

TEST_CASE("the table lists each kind once, in the order messages use") {
    std::vector<std::string> names;
    for (const ProbeKind* k : probe_kinds()) {
        REQUIRE(k != nullptr);
        CHECK(static_cast<bool>(k->check));
        names.emplace_back(k->decl.name);
    }
    CHECK(names == std::vector<std::string>{"tcp", "http", "postgres", "redis", "aws", "kafka", "docker", "log",
                                            "exec", "none"});
    CHECK(find_probe_kind("http") == probe_kinds()[1]);
    CHECK(find_probe_kind("htp") == nullptr);
}

TEST_CASE("the rows say what wait, status and the loader need") {
    for (const char* k : {"tcp", "http", "postgres", "redis", "aws", "kafka"})
        CHECK_MESSAGE(find_probe_kind(k)->decl.needs_port, k);
    for (const char* k : {"docker", "log", "exec", "none"}) CHECK_FALSE_MESSAGE(find_probe_kind(k)->decl.needs_port, k);
    std::set<std::string> engine;
    for (const ProbeKind* k : probe_kinds())
        if (k->uses_engine) engine.emplace(k->decl.name);
    CHECK(engine == std::set<std::string>{"exec", "log"});
}

TEST_CASE("the probe block's schema is the union of the endpoint's and every kind's fields") {
    const ProfileLanguage& l = probe_language();
    REQUIRE(l.probe != nullptr);
    REQUIRE(l.probe_kinds.size() == probe_kinds().size());
    std::vector<std::string> fields;
    for (const auto& f : l.probe->fields) fields.push_back(f.name);
    CHECK(fields == std::vector<std::string>{"kind", "host", "port", "scheme", "user", "password", "database",
                                             "region", "path", "status", "body", "json_pointer", "json_equals",
                                             "services", "init_stage", "pattern", "command", "timeout"});
    CHECK(l.probe->fields.front().schema->values.size() == probe_kinds().size());
    CHECK(l.find_probe_kind("kafka") == &find_probe_kind("kafka")->decl);
}

TEST_CASE("run_probe dispatches to the call's kind") {
    test::Probe p("none");
    p.container.state = "created";
    CHECK(p.attempt().detail == "created");
    p.container.state = "running";
    CHECK(p.attempt().ready);

    test::Probe d("docker");
    d.container.health = "unhealthy";
    d.container.health_log = "boom";
    CHECK(d.attempt().detail == "healthcheck unhealthy: boom");
    d.container.health = "healthy";
    CHECK(d.attempt().ready);

    // An empty kind acts as "none"; an unknown one fails at once rather than waiting.
    test::Probe e("");
    CHECK(e.attempt().detail == "running");
    test::Probe u("gopher");
    auto r = u.attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.fatal);
    CHECK(r.detail == "unknown probe kind 'gopher'");
}

TEST_CASE("log and exec reach the engine through the call's hooks") {
    test::Probe l("log");
    l.set("pattern", "listening on [0-9]+");
    CHECK(l.attempt().detail == "log probes need the engine");
    std::string seen_service;
    l.hooks.logs = [&](const std::string& s) {
        seen_service = s;
        return std::string("starting\nlistening on 8080\n");
    };
    CHECK(l.attempt().ready);
    CHECK(seen_service == "svc");
    l.set("pattern", "(");
    CHECK(l.attempt().detail.starts_with("bad pattern /(/"));

    test::Probe x("exec");
    x.set_list("command", {"pg_isready", "-q"});
    std::vector<std::string> argv;
    x.hooks.exec = [&](const std::string&, const std::vector<std::string>& a) {
        argv = a;
        return 2;
    };
    CHECK(x.attempt().detail == "`pg_isready -q` exited 2");
    CHECK(argv == std::vector<std::string>{"pg_isready", "-q"});
}

TEST_CASE("the tcp and http kinds connect to the call's endpoint") {
    test::TestServer server([](int fd) {
        test::read_until(fd, "\r\n\r\n");
        test::send_all(fd, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
    });
    test::Probe t("tcp", server.port());
    CHECK(t.attempt().detail == "connected");
    test::Probe h("http", server.port());
    h.set_ints("status", {204});
    CHECK(h.attempt().detail == "HTTP 204");
    h.endpoint.port = test::unused_port();
    CHECK_FALSE(h.attempt().ready);
}

TEST_CASE("describe shows each kind's own fields as it reads them") {
    Value v = Value::mapping();
    test::Probe h("http");
    find_probe_kind("http")->describe(h.spec, v);
    CHECK(v.find("path")->text() == "/");
    REQUIRE(v.find("status")->items().size() == 1);
    CHECK(v.find("status")->items()[0].as_int() == 200);
    Value a = Value::mapping();
    test::Probe aws("aws");
    aws.set_list("services", {"sqs"});
    find_probe_kind("aws")->describe(aws.spec, a);
    CHECK(a.find("services")->items()[0].text() == "sqs");
    CHECK_FALSE(static_cast<bool>(find_probe_kind("tcp")->describe));
}

}  // TEST_SUITE

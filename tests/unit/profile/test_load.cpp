#include <doctest/doctest.h>

#include "profile/load.hpp"
#include "project_fixture.hpp"
#include "test_helpers.hpp"
#include "yaml/yaml.hpp"

using namespace devenv;
using devenv::test::TempProject;

namespace {
std::string error_of(const LoadOptions& o) {
    return test::shown_error_of([&] { load_profile(o); });
}
}  // namespace

TEST_SUITE("profile.load") {
    TEST_CASE("template parameters: defaults, given values, variants, typed substitution") {
        TempProject p;
        p.write(".devenv/templates/db.yaml", devenv::test::kDbTemplate);
        p.write("devenv.yaml", "name: t\nservices:\n  pg:\n    template: db\n    with: {version: 16, variant: gis}\n");
        Profile prof = load_profile(p.options());
        REQUIRE(prof.services.size() == 1);
        const Service& s = prof.services[0];
        CHECK(s.compose.find("image")->text() == "gis:16");
        CHECK(s.compose.find("command")->is_sequence());
        CHECK(s.compose.find("environment")->find("NAME")->text() == "pg");
        CHECK(s.probe.kind == "postgres");
        CHECK(s.endpoint.port == 5432);
        CHECK(s.exports[0].value == "db://u:secretpw@localhost:5432/x");
        CHECK(s.exports[0].secret);
        CHECK(prof.top_level.find("volumes")->has("pg-data"));
        CHECK(s.seed_kinds == std::vector<std::string>{"postgres", "exec"});
    }

    TEST_CASE("port offset shifts port params, raw ports and exports together") {
        TempProject p;
        p.write(".devenv/templates/db.yaml", devenv::test::kDbTemplate);
        p.write("devenv.yaml",
                "services:\n  pg: {template: db}\n  web: {image: nginx, ports: ['127.0.0.1:8080:80', '9000:9000/udp']}\n");
        LoadOptions o = p.options();
        o.port_offset = 100;
        Profile prof = load_profile(o);
        CHECK(prof.services[0].compose.find("ports")->items()[0].text() == "5532:5432");
        CHECK(prof.services[0].exports[0].value.find(":5532/") != std::string::npos);
        CHECK(prof.services[1].compose.find("ports")->items()[0].text() == "127.0.0.1:8180:80");
        CHECK(prof.services[1].compose.find("ports")->items()[1].text() == "9100:9000/udp");
        CHECK(prof.services[1].host_ports == std::vector<int>{8180, 9100});
    }

    TEST_CASE("extends, overlays and --set merge in that order") {
        TempProject p;
        p.write(".devenv/templates/db.yaml", devenv::test::kDbTemplate);
        p.write("base.yaml", "services:\n  pg: {template: db, environment: {A: '1'}}\n");
        p.write("devenv.yaml",
                "extends: ./base.yaml\nservices:\n  pg: {environment: {B: '2'}}\n"
                "overlays:\n  dev: {services: {pg: {environment: {C: '3'}}}}\n");
        LoadOptions o = p.options();
        o.overlays = {"dev"};
        o.sets = {"services.pg.environment.D=4", "services.pg.image=custom:1"};
        Profile prof = load_profile(o);
        const Value& env = *prof.services[0].compose.find("environment");
        CHECK(env.find("PW"));
        CHECK(env.find("A")->text() == "1");
        CHECK(env.find("B")->text() == "2");
        CHECK(env.find("C")->text() == "3");
        CHECK(env.find("D")->text() == "4");
        CHECK(prof.services[0].compose.find("image")->text() == "custom:1");
    }

    TEST_CASE("a service set to null is dropped with its seed and the depends_on naming it") {
        TempProject p;
        p.write("base.yaml",
                "services:\n  a: {image: i}\n  b: {image: i}\n  c: {image: i}\n"
                "  d: {image: i, depends_on: [a, b, c]}\n  e: {image: i, depends_on: {b: {condition: service_started}, c: {}}}\n"
                "seed:\n  b: {exec: [{command: [\"true\"]}]}\n  c: {exec: [{command: [\"true\"]}]}\n");
        p.write("devenv.yaml", "extends: ./base.yaml\nservices:\n  a: ~\noverlays:\n  lean: {services: {b: ~}}\n");
        LoadOptions o = p.options();
        o.overlays = {"lean"};
        o.sets = {"services.c=null"};
        Profile prof = load_profile(o);
        CHECK(prof.service_names() == std::vector<std::string>{"d", "e"});
        CHECK(prof.find_service("d")->depends_on.empty());
        CHECK(prof.find_service("e")->depends_on.empty());
        CHECK(prof.seeds.empty());
        CHECK(prof.tree.find("seed")->entries().empty());
    }

    TEST_CASE("variables: environment over .env.local over .env over profile defaults") {
        TempProject p;
        p.write(".env", "A=from-env-file\nB=from-env-file\nC=from-env-file\n");
        p.write(".env.local", "A=from-local\nB=from-local\n");
        p.write("devenv.yaml",
                "variables: {A: def, B: def, C: def, D: def}\n"
                "services:\n  x: {image: 'i', environment: {A: '${A}', B: '${B}', C: '${C}', D: '${D}', E: '$${A}'}}\n");
        p.env["A"] = "from-process";
        Profile prof = load_profile(p.options());
        const Value& env = *prof.services[0].compose.find("environment");
        CHECK(env.find("A")->text() == "from-process");
        CHECK(env.find("B")->text() == "from-local");
        CHECK(env.find("C")->text() == "from-env-file");
        CHECK(env.find("D")->text() == "def");
        CHECK(env.find("E")->text() == "${A}");
    }

    TEST_CASE("errors point at the offending key with did-you-mean") {
        TempProject p;
        p.write(".devenv/templates/db.yaml", devenv::test::kDbTemplate);
        p.write("devenv.yaml", "services:\n  pg:\n    template: db\n    with:\n      versoin: 16\n");
        CHECK(error_of(p.options()) == "5:7: unknown parameter 'versoin' for template 'db' | did you mean 'version'?");
        p.write("devenv.yaml", "services:\n  pg:\n    template: dbb\n");
        CHECK(error_of(p.options()) == "3:15: unknown template 'dbb' | did you mean 'db'?");
        p.write("devenv.yaml", "services:\n  pg:\n    image: x\n    depends_in: [a]\n");
        CHECK(error_of(p.options()) == "4:5: unknown key 'depends_in' in pg | did you mean 'depends_on'?");
        p.write("devenv.yaml", "services:\n  pg: {template: db}\nseed:\n  pgg: {postgres: {}}\n");
        CHECK(error_of(p.options()) == "4:3: seed names unknown service 'pgg' | did you mean 'pg'?");
        p.write("devenv.yaml", "services:\n  pg: {template: db, with: {port: 70000}}\n");
        CHECK(error_of(p.options()) == "2:35: port 70000 is out of range (1-65535)");
    }

    TEST_CASE("extends cycles are reported") {
        TempProject p;
        p.write("a.yaml", "extends: ./b.yaml\nservices: {x: {image: i}}\n");
        p.write("b.yaml", "extends: ./a.yaml\n");
        p.write("devenv.yaml", "extends: ./a.yaml\n");
        CHECK(error_of(p.options()).find("cycle: ") != std::string::npos);
    }

    TEST_CASE("jobs: job: true, or awaited with service_completed_successfully; no probe, no restart, no seed") {
        TempProject p;
        p.write("devenv.yaml",
                "services:\n"
                "  migrate: {image: m, job: true}\n"
                "  seeddata: {image: s, ports: [\"5000:5000\"]}\n"
                "  app:\n"
                "    image: a\n"
                "    depends_on:\n"
                "      seeddata: {condition: service_completed_successfully}\n");
        Profile prof = load_profile(p.options());
        CHECK(prof.find_service("migrate")->job);
        CHECK(prof.find_service("seeddata")->job);  // implied by app's condition
        CHECK(prof.find_service("seeddata")->probe.kind == "none");  // not the tcp probe its port would give
        CHECK_FALSE(prof.find_service("app")->job);
        CHECK_FALSE(prof.find_service("migrate")->compose.find("job"));  // not passed to Compose

        p.write("devenv.yaml", "services:\n  migrate:\n    image: m\n    job: yes-please\n");
        CHECK(error_of(p.options()).starts_with("4:10: expected a boolean"));
        p.write("devenv.yaml", "services:\n  migrate:\n    image: m\n    job: true\n    probe: {kind: tcp, port: 1}\n");
        CHECK(error_of(p.options()).starts_with(
            "5:5: 'migrate' is a job: it is done when its container exits with code 0, so it takes no probe"));
        p.write("devenv.yaml", "services:\n  migrate:\n    image: m\n    restart: always\n  app:\n    image: a\n"
                               "    depends_on: {migrate: {condition: service_completed_successfully}}\n");
        CHECK(error_of(p.options()).starts_with("4:14: 'migrate' is a job, which must not restart (restart: always)"));
        p.write("devenv.yaml", "services:\n  migrate:\n    image: m\n    job: false\n  app:\n    image: a\n"
                               "    depends_on: {migrate: {condition: service_completed_successfully}}\n");
        CHECK(error_of(p.options()).starts_with(
            "7:39: 'app' waits for 'migrate' to complete (service_completed_successfully), but 'migrate' says `job: false`"));
        p.write("devenv.yaml", "services:\n  migrate: {image: m, job: true}\nseed:\n  migrate:\n    exec: [{command: [x]}]\n");
        CHECK(error_of(p.options()).starts_with("5:5: 'migrate' is a job: its container has exited by the time devenv seeds"));
    }
}

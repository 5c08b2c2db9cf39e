// Endpoint resolution (profile/endpoint.hpp): once per service at load, with --port-offset and
// the profile's host; and the loader walking whatever probe kinds it is handed.
#include <doctest/doctest.h>

#include "profile/endpoint.hpp"
#include "profile/language.hpp"
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

// A language with a made-up kind: profile/ knows no kind of its own.
std::vector<Field> burrow_fields() { return {schema::opt("burrow", schema::string())}; }
const ProbeKindDecl kGopher{.name = "gopher", .needs_port = true, .fields = burrow_fields};
const ProbeKindDecl kTcp{.name = "tcp", .needs_port = true};
const ProbeKindDecl kDocker{.name = "docker"};
const ProbeKindDecl kNone{.name = "none"};

}  // namespace

TEST_SUITE("profile.endpoint") {

TEST_CASE("from a probe declaration: fields, defaults, the first published port") {
    Value decl = parse_yaml("{kind: postgres, port: 5433, user: app, password: pw, database: db}", "t.yaml");
    Endpoint e = endpoint_from_decl(decl, {9000}, "127.0.0.1", "probe");
    CHECK(e.host == "127.0.0.1");
    CHECK(e.port == 5433);
    CHECK(e.user == "app");
    CHECK(e.password == "pw");
    CHECK(e.database == "db");
    CHECK(e.scheme == "http");
    CHECK(e.region == "us-east-1");

    Endpoint none = endpoint_from_decl(Value(), {9000, 9001}, "10.0.0.7", "probe");
    CHECK(none.port == 9000);
    CHECK(none.host == "10.0.0.7");
    CHECK(endpoint_from_decl(Value(), {}, "127.0.0.1", "probe").port == 0);

    Value named = parse_yaml("{host: db.local, port: \"6000\", region: eu-west-1, scheme: https}", "t.yaml");
    Endpoint n = endpoint_from_decl(named, {9000}, "127.0.0.1", "probe");
    CHECK(n.host == "db.local");
    CHECK(n.port == 6000);
    CHECK(n.region == "eu-west-1");
    CHECK(n.scheme == "https");
}

TEST_CASE("apps are told localhost for this machine, the host itself otherwise") {
    CHECK(host_for_apps(kThisMachine) == "localhost");
    CHECK(host_for_apps("10.1.2.3") == "10.1.2.3");
}

TEST_CASE("the loader resolves each service's endpoint once, with --port-offset") {
    TempProject p;
    p.write(".devenv/templates/db.yaml", devenv::test::kDbTemplate);
    p.write("devenv.yaml",
            "services:\n"
            "  pg: {template: db}\n"
            "  web: {image: nginx, ports: ['8080:80']}\n"
            "  api: {image: nginx, ports: ['8081:80'], probe: {kind: http, port: 8082, path: /health}}\n"
            "  far: {image: nginx, ports: ['8083:80'], probe: {host: 192.0.2.7}}\n");
    LoadOptions o = p.options();
    o.port_offset = 100;
    Profile prof = load_profile(o);
    CHECK(prof.host == "127.0.0.1");
    const Service& pg = *prof.find_service("pg");
    CHECK(pg.endpoint.host == "127.0.0.1");
    CHECK(pg.endpoint.port == 5532);
    CHECK(pg.endpoint.password == "secretpw");
    CHECK(pg.probe.kind == "postgres");
    CHECK(pg.exports[0].value == "db://u:secretpw@localhost:5532/x");
    const Service& web = *prof.find_service("web");
    CHECK(web.probe.kind == "tcp");
    CHECK(web.endpoint.port == 8180);
    const Service& api = *prof.find_service("api");
    CHECK(api.endpoint.port == 8182);
    CHECK(api.probe.fields.find("path")->text() == "/health");
    const Service& far = *prof.find_service("far");
    CHECK(far.endpoint.host == "192.0.2.7");
    CHECK(far.endpoint.port == 8183);
}

TEST_CASE("one host for endpoints and exports alike") {
    TempProject p;
    p.write(".devenv/templates/db.yaml", devenv::test::kDbTemplate);
    p.write("devenv.yaml", "services:\n  pg: {template: db}\n");
    LoadOptions o = p.options();
    o.host = "10.1.2.3";
    Profile prof = load_profile(o);
    CHECK(prof.services[0].endpoint.host == "10.1.2.3");
    CHECK(prof.services[0].exports[0].value == "db://u:secretpw@10.1.2.3:5432/x");
}

TEST_CASE("the loader needs the probe kinds and walks whichever it is given") {
    TempProject p;
    p.write("devenv.yaml",
            "services:\n"
            "  hole:\n"
            "    image: nginx\n"
            "    ports: ['8080:80']\n"
            "    probe: {kind: gopher, burow: deep}\n");
    LoadOptions o = p.options();
    o.language = nullptr;
    CHECK(error_of(o).starts_with("load_profile needs LoadOptions::language"));

    ProfileLanguage lang = make_profile_language({&kGopher, &kTcp, &kDocker, &kNone});
    o.language = &lang;
    CHECK(error_of(o) == "5:27: unknown key 'burow' in probe | did you mean 'burrow'?");
    p.write("devenv.yaml", "services:\n  hole: {image: nginx, ports: ['8080:80'], probe: {kind: http}}\n");
    CHECK(error_of(o) == "2:58: 'http' is not one of: gopher, tcp, docker, none");
    p.write("devenv.yaml", "services:\n  hole: {image: nginx, probe: {kind: gopher, burrow: deep}}\n");
    CHECK(error_of(o) == "2:31: a gopher probe needs a port, and the service publishes none | "
                         "set probe.port to the host port, or publish one under ports:");
    p.write("devenv.yaml", "services:\n  hole: {image: nginx, ports: ['8080:80'], probe: {kind: gopher, burrow: deep}}\n");
    Profile prof = load_profile(o);
    CHECK(prof.services[0].probe.kind == "gopher");
    CHECK(prof.services[0].probe.fields.find("burrow")->text() == "deep");
    CHECK(prof.services[0].endpoint.port == 8080);
}

}  // TEST_SUITE

// The profile module's parts one by one: the schema validator, template instantiation (typed
// parameters, variants, secrets), discovery, Compose rules and the seed block's collection.
// Errors are checked as users see them: line:col, message and hints.
#include <doctest/doctest.h>

#include <filesystem>
#include <utility>

#include "profile/discover.hpp"
#include "profile/instantiate.hpp"
#include "profile/schema.hpp"
#include "project_fixture.hpp"
#include "test_helpers.hpp"
#include "yaml/yaml.hpp"

using namespace devenv;
using devenv::test::TempProject;

namespace {

template <class F>
std::string error_of(F&& f) {
    return test::shown_error_of(std::forward<F>(f));
}

std::string validate_text(const std::string& yaml, const Schema& s) {
    Value v = parse_yaml(yaml, "t.yaml", "");
    return error_of([&] { validate(v, s, ""); });
}

}  // namespace

TEST_SUITE("profile.schema") {
    using namespace schema;

    TEST_CASE("unknown keys are refused with did-you-mean; required keys are named") {
        auto s = object({req("name", string()), opt("partitions", integer()), opt("configs", map(string()))});
        CHECK(validate_text("name: a\npartitons: 3\n", *s) == "2:1: unknown key 'partitons' | did you mean 'partitions'?");
        CHECK(validate_text("partitions: 3\n", *s).find("missing required key 'name'") != std::string::npos);
        CHECK(validate_text("name: a\nconfigs: {x: 1}\n", *s) == "no error");
    }

    TEST_CASE("scalars: integers, ports, booleans, durations and choices say what they expected") {
        auto s = object({opt("n", integer()), opt("p", port()), opt("b", boolean()), opt("d", duration()),
                         opt("c", choice({"AVRO", "JSON"}))});
        CHECK(validate_text("n: 12\np: 5432\nb: true\nd: 1m30s\nc: JSON\n", *s) == "no error");
        CHECK(validate_text("n: twelve\n", *s).find("1:4:") == 0);
        CHECK(validate_text("n: twelve\n", *s).find("an integer") != std::string::npos);
        CHECK(validate_text("p: 70000\n", *s) == "1:4: port 70000 is out of range (1-65535)");
        CHECK(validate_text("p: 0\n", *s) == "1:4: port 0 is out of range (1-65535)");
        CHECK(validate_text("b: maybe\n", *s).find("a boolean") != std::string::npos);
        CHECK(validate_text("d: soon\n", *s).find("a duration") != std::string::npos);
        std::string c = validate_text("c: JSN\n", *s);
        CHECK(c.find("1:4: 'JSN' is not one of: AVRO, JSON") == 0);
        CHECK(c.find("did you mean 'JSON'?") != std::string::npos);
    }

    TEST_CASE("one_of picks the alternative by shape; lists and maps check every item") {
        auto s = object({opt("v", one_of({string(), list(string())}, "a string or a list of strings")),
                         opt("l", list(integer())), opt("m", map(boolean()))});
        CHECK(validate_text("v: a\n", *s) == "no error");
        CHECK(validate_text("v: [a, b]\n", *s) == "no error");
        CHECK(validate_text("v: {a: 1}\n", *s).find("a string or a list of strings") != std::string::npos);
        CHECK(validate_text("l: [1, 2, x]\n", *s).find("1:11:") == 0);
        CHECK(validate_text("m: {a: true, b: nope}\n", *s).find("a boolean") != std::string::npos);
    }

    TEST_CASE("with_check runs after the shape passed, with the node's path") {
        std::string seen;
        auto s = object({opt("t", with_check(object({req("name", string())}), [&](const Value& v, const std::string& p) {
                              seen = p;
                              if (v.find("name")->text() == "bad") throw error_at(v.find("name")->mark(), p, "bad name");
                          }))});
        CHECK(validate_text("t: {name: ok}\n", *s) == "no error");
        CHECK(seen == "t");
        CHECK(validate_text("t: {name: bad}\n", *s) == "1:11: bad name");
        CHECK(validate_text("t: {nam: bad}\n", *s).find("unknown key 'nam'") != std::string::npos);
    }
}

TEST_SUITE("profile.instantiate") {
    Instance inst(const std::string& tmpl, const std::string& with, int offset = 0) {
        Value t = parse_yaml(tmpl, "templates/db.yaml", "");
        Value w = parse_yaml(with.empty() ? "{}" : with, "devenv.yaml", "");
        InstantiateArgs a;
        a.service_name = "pg";
        a.project = "proj";
        a.with = &w;
        a.with_path = "services.pg.with";
        a.port_offset = offset;
        a.env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
        return instantiate_template(t, a);
    }

    TEST_CASE("defaults, parameters that refer to others, the variant, secrets and the offset") {
        Instance i = inst(devenv::test::kDbTemplate, "{version: 16, variant: gis}", 100);
        CHECK(i.params.find("image")->text() == "gis:16");
        CHECK(i.service.find("image")->text() == "gis:16");
        CHECK(i.service.find("ports")->items()[0].text() == "5532:5432");
        CHECK(i.service.find("environment")->find("NAME")->text() == "pg");
        CHECK(i.seeds == std::vector<std::string>{"postgres"});
        REQUIRE(i.secrets.size() == 1);
        CHECK(i.secrets[0] == "secretpw");
        CHECK(i.volumes.find("pg-data") != nullptr);
    }

    TEST_CASE("a parameter the template does not have, a bad enum value, a bad port: errors at with:") {
        std::string e = error_of([] { inst(devenv::test::kDbTemplate, "{verison: 16}"); });
        CHECK(e.find("verison") != std::string::npos);
        CHECK(e.find("did you mean 'version'?") != std::string::npos);
        e = error_of([] { inst(devenv::test::kDbTemplate, "{variant: gsi}"); });
        CHECK(e.find("gsi") != std::string::npos);
        CHECK(e.find("did you mean 'gis'?") != std::string::npos);
        e = error_of([] { inst(devenv::test::kDbTemplate, "{port: 99999}"); });
        CHECK(e == "1:8: port 99999 is out of range (1-65535)");
        CHECK(e.find("port") != std::string::npos);
    }

    TEST_CASE("a template that is not valid is reported at the template's own line") {
        std::string e = error_of([] { inst("template: db\nservice: {image: x}\n", ""); });
        CHECK(e.find("description") != std::string::npos);
        e = error_of([] { inst("template: db\ndescription: d\nservice: {image: x}\nseeds: [postgres]\nsead: 1\n", ""); });
        CHECK(e.find("5:1: unknown key 'sead'") == 0);
    }
}

TEST_SUITE("profile.discover") {
    TEST_CASE("devenv.yaml is found upward; a project profile shadows a built-in one; names get did-you-mean") {
        TempProject p;
        p.write("devenv.yaml", "services: {a: {image: x}}\n");
        p.write("sub/deeper/.keep", "");
        CHECK(find_project_dir(p.dir() + "/sub/deeper") == p.dir());
        p.write(".devenv/profiles/aws.yaml", "description: mine\nservices: {a: {image: x}}\n");
        ProfileSource s = locate_profile(p.dir(), "aws", std::nullopt);
        CHECK_FALSE(s.builtin);
        CHECK(s.text.find("mine") != std::string::npos);
        ProfileSource web = locate_profile(p.dir(), "web", std::nullopt);
        CHECK(web.builtin);
        std::string e = error_of([&] { locate_profile(p.dir(), "evnets", std::nullopt); });
        CHECK(e.find("did you mean 'events'?") != std::string::npos);
    }

    TEST_CASE("templates: project ones listed with the built-ins; an unknown one is absent") {
        TempProject p;
        p.write(".devenv/templates/db.yaml", devenv::test::kDbTemplate);
        auto names = template_names(p.dir());
        CHECK(std::find(names.begin(), names.end(), "db") != names.end());
        CHECK(std::find(names.begin(), names.end(), "postgres") != names.end());
        CHECK(locate_template(p.dir(), "db").has_value());
        CHECK_FALSE(locate_template(p.dir(), "nope").has_value());
    }
}

TEST_SUITE("profile.compose_rules") {
    std::string load_error(const std::string& services) {
        TempProject p;
        p.write("devenv.yaml", "services:\n" + services);
        return error_of([&] { load_profile(p.options()); });
    }

    TEST_CASE("published ports: range, syntax, protocol, the same host port twice") {
        CHECK(load_error("  a: {image: x, ports: [\"8080:80\"]}\n") == "no error");
        CHECK(load_error("  a: {image: x, ports: [\"70000:8080\"]}\n").find("70000") != std::string::npos);
        CHECK(load_error("  a: {image: x, ports: [\"80:80/tpc\"]}\n").find("tpc") != std::string::npos);
        std::string dup = load_error("  a: {image: x, ports: [\"8080:80\"]}\n  b: {image: y, ports: [\"8080:81\"]}\n");
        CHECK(dup.find("3:") == 0);
        CHECK(dup.find("8080") != std::string::npos);
    }

    TEST_CASE("environment names and volume syntax") {
        CHECK(load_error("  a: {image: x, environment: {\"1X\": v}}\n").find("1X") != std::string::npos);
        CHECK(load_error("  a: {image: x, volumes: [\"data:/d:rx\"]}\n") != "no error");
        CHECK(load_error("  a: {image: x, depends_on: [bb]}\n  b: {image: y}\n").find("did you mean 'b'?") !=
              std::string::npos);
    }
}

TEST_SUITE("profile.seed_decls") {
    TEST_CASE("the loader collects seed blocks by service; `KIND: ~` drops one; an unknown service is an error") {
        TempProject p;
        p.write(".devenv/templates/db.yaml", devenv::test::kDbTemplate);
        p.write("devenv.yaml",
                "services:\n  pg: {template: db}\nseed:\n  pg:\n    postgres: {roles: [{name: r}]}\n    exec: ~\n");
        Profile prof = load_profile(p.options());
        REQUIRE(prof.seeds.size() == 1);
        CHECK(prof.seeds[0].service == "pg");
        CHECK(prof.seeds[0].kind == "postgres");
        CHECK(prof.seeds[0].key_mark.line == 5);
        CHECK(prof.seeds[0].base_dir == p.dir());
        // Not yet checked against its kind: that is seed/check.cpp's job, above this module.
        CHECK_FALSE(prof.seeds[0].checked);
        p.write("devenv.yaml", "services:\n  pg: {template: db}\nseed:\n  pg: [1]\n");
        CHECK(error_of([&] { load_profile(p.options()); }) == "4:7: expected a mapping, got a list");
    }
}

#include <doctest/doctest.h>

#include "yaml/yaml.hpp"

using namespace devenv;

TEST_SUITE("yaml") {
    TEST_CASE("scalars keep their YAML types and positions") {
        Value v = parse_yaml("a: 17\nb: \"17\"\nc: true\nd: ~\ne: 1.5\nf: app\n", "t.yaml");
        REQUIRE(v.is_mapping());
        CHECK(v.find("a")->type() == Value::Type::integer);
        CHECK(v.find("b")->type() == Value::Type::string);
        CHECK(v.find("b")->quoted());
        CHECK(v.find("c")->type() == Value::Type::boolean);
        CHECK(v.find("d")->is_null());
        CHECK(v.find("e")->type() == Value::Type::number);
        CHECK(v.find("f")->text() == "app");
        CHECK(v.find("f")->mark().line == 6);
        CHECK(v.find("f")->mark().column == 4);
        CHECK(v.find_entry("f")->key_mark.column == 1);
    }

    TEST_CASE("duplicate keys are errors at the second key") {
        try {
            parse_yaml("services:\n  a: 1\n  a: 2\n", "dup.yaml");
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.message() == "duplicate key 'a' (first defined on line 2)");
            CHECK(e.where()->line == 3);
            CHECK(e.where()->column == 3);
            CHECK(e.key_path() == "services.a");
            CHECK(e.where()->source_line == "  a: 2");
        }
    }

    TEST_CASE("syntax errors carry a position") {
        try {
            parse_yaml("a: [1, 2\nb: 3\n", "bad.yaml");
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::profile);
            CHECK(e.where()->file == "bad.yaml");
            CHECK(e.where()->line >= 1);
        }
    }

    TEST_CASE("merge keys apply, explicit keys win") {
        Value v = parse_yaml("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n", "m.yaml");
        const Value* c = v.find("c");
        REQUIRE(c);
        CHECK(c->find("x")->as_int() == 1);
        CHECK(c->find("y")->as_int() == 3);
    }

    TEST_CASE("emit quotes what would be misread and round-trips") {
        Value v = parse_yaml("a: \"17\"\nb: 17\nc: \"yes\"\nd: [x, \"true\"]\ne: {}\nf: 'a: b'\n", "r.yaml");
        std::string out = emit_yaml(v);
        CHECK(out == "a: \"17\"\nb: 17\nc: \"yes\"\nd:\n  - x\n  - \"true\"\ne: {}\nf: \"a: b\"\n");
        CHECK(parse_yaml(out, "again") == v);
    }
}

// Regression tests for input that crashed, hung or misbehaved (issue "Hardening"): each case is
// one finding of the sanitizer and fuzzing runs, kept so it cannot come back.
#include <doctest/doctest.h>

#include <string>

#include "engine/docker_stream.hpp"
#include "util/dotenv.hpp"
#include "test_helpers.hpp"
#include "util/error.hpp"
#include "util/interpolate.hpp"
#include "util/strings.hpp"
#include "yaml/yaml.hpp"

using namespace devenv;
using devenv::test::error_of;

namespace {

std::string alias_bomb() {
    // Nine levels of ten aliases each: 10^9 nodes when expanded, from about 600 bytes.
    std::string s = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i <= 9; ++i) {
        std::string prev = "*a" + std::to_string(i - 1);
        s += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int k = 0; k < 10; ++k) s += (k ? ", " : "") + prev;
        s += "]\n";
    }
    return s;
}

}  // namespace

TEST_SUITE("hardening") {
    TEST_CASE("yaml: a plain mapping converts (ASan: a reference to the iterator's temporary)") {
        Value v = parse_yaml("a: 1\nb: {c: [1, 2]}\n", "t.yaml");
        CHECK(v.find("a")->text() == "1");
        CHECK(v.find("b")->find("c")->items().size() == 2);
    }

    TEST_CASE("yaml: an alias inside its own anchor is an error, not unbounded recursion") {
        CHECK(error_of([] { parse_yaml("x: &a {b: *a}", "t.yaml"); }).find("cycle") != std::string::npos);
        CHECK(error_of([] { parse_yaml("&a [*a]", "--set"); }).find("cycle") != std::string::npos);
        // An alias used twice side by side is no cycle.
        Value v = parse_yaml("a: &a {k: 1}\nb: [*a, *a]\n", "t.yaml");
        CHECK(v.find("b")->items().size() == 2);
    }

    TEST_CASE("yaml: an alias bomb is refused in bounded memory") {
        std::string bomb = alias_bomb();
        CHECK(bomb.size() < 700);
        std::string msg = error_of([&] { parse_yaml(bomb, "bomb.yaml"); });
        CHECK(msg.find("expands to more than") != std::string::npos);
    }

    TEST_CASE("yaml: deep nesting is refused") {
        std::string deep(5000, '[');
        deep += std::string(5000, ']');
        CHECK_FALSE(error_of([&] { parse_yaml(deep, "deep.yaml"); }).empty());
        std::string nested;
        for (int i = 0; i < 300; ++i) nested += "{a: ";
        nested += "1" + std::string(300, '}');
        CHECK(error_of([&] { parse_yaml(nested, "deep.yaml"); }).find("levels deep") != std::string::npos);
    }

    TEST_CASE("yaml: 80,000 keys load (duplicates found by hashing, not by linear search)") {
        std::string text = "environment:\n";
        for (int i = 0; i < 80000; ++i) text += "  K" + std::to_string(i) + ": v\n";
        Value v = parse_yaml(text, "big.yaml");
        CHECK(v.find("environment")->entries().size() == 80000);
        text += "  K17: again\n";
        CHECK(error_of([&] { parse_yaml(text, "big.yaml"); }).find("duplicate key 'K17'") != std::string::npos);
    }

    TEST_CASE("yaml: invalid UTF-8 is an error at its line and column") {
        try {
            parse_yaml("a: ok\nb: caf\xe9\n", "t.yaml");
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.message().find("UTF-8") != std::string::npos);
            REQUIRE(e.where());
            CHECK(e.where()->line == 2);
            CHECK(e.where()->column == 7);
        }
    }

    TEST_CASE("yaml: what is emitted reads back as the same tree") {
        Value v = Value::mapping();
        v.set("<<", Value::string("not a merge"));
        v.set("cr", Value::string("ends in a carriage return\r"));
        v.set("spaces", Value::string(" both ends "));
        v.set("ctrl", Value::string("bell\a and tab\t"));
        v.set("unicode", Value::string("caf\xc3\xa9 \xe2\x9c\x93"));
        Value back = parse_yaml(emit_yaml(v), "round.yaml");
        CHECK(back == v);
    }

    TEST_CASE("interpolation: 20,000 nested defaults are refused, in linear time") {
        std::string s;
        for (int i = 0; i < 20000; ++i) s += "${A:-";
        s += "x" + std::string(20000, '}');
        auto r = try_interpolate(s, [](std::string_view) { return std::nullopt; });
        CHECK_FALSE(r.ok);
        CHECK(r.message.find("levels of nested") != std::string::npos);
        // 32 levels are fine.
        std::string ok;
        for (int i = 0; i < 32; ++i) ok += "${A:-";
        ok += "x" + std::string(32, '}');
        auto r2 = try_interpolate(ok, [](std::string_view) { return std::nullopt; });
        CHECK(r2.ok);
        CHECK(r2.value == "x");
    }

    TEST_CASE("interpolation: a variable holding invalid UTF-8 is an error naming it") {
        auto r = try_interpolate("x=${BAD}", [](std::string_view) { return std::optional<std::string>("\xff"); });
        CHECK_FALSE(r.ok);
        CHECK(r.variable == "BAD");
        CHECK(r.message.find("UTF-8") != std::string::npos);
    }

    TEST_CASE("dotenv: 'export ' alone is an error, not a read past the buffer") {
        for (std::string text : {"export ", "export \t", "A=1\nexport "}) {
            std::string msg = error_of([&] { parse_dotenv(text, ".env", nullptr); });
            CHECK(msg.find("after 'export'") != std::string::npos);
        }
    }

    TEST_CASE("dotenv: invalid UTF-8 is an error at its line") {
        try {
            parse_dotenv("A=1\nB=caf\xe9\n", ".env", nullptr);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.message().find("UTF-8") != std::string::npos);
            REQUIRE(e.where());
            CHECK(e.where()->line == 2);
            CHECK(e.where()->column == 6);
        }
    }

    TEST_CASE("docker log stream: a header claiming more than there is stays text") {
        std::string raw("\x01\0\0\0\xff\xff\xff\xff" "abc", 11);
        CHECK(demux_docker_stream(raw) == raw);
        std::string two("\x01\0\0\0\0\0\0\x01" "a" "\x02\0\0\0\0\0\x10\0" "b", 18);
        CHECK(demux_docker_stream(two) == two);
    }

    TEST_CASE("utf-8 validation") {
        CHECK_FALSE(invalid_utf8_at("plain ascii"));
        CHECK_FALSE(invalid_utf8_at("caf\xc3\xa9 \xf0\x9f\x98\x80"));
        CHECK(invalid_utf8_at("\xc0\xaf") == 0u);          // overlong
        CHECK(invalid_utf8_at("a\xed\xa0\x80") == 1u);     // surrogate
        CHECK(invalid_utf8_at("ab\xf4\x90\x80\x80") == 2u);  // past U+10FFFF
        CHECK(invalid_utf8_at("abc\xe2\x9c") == 3u);       // cut short
    }
}

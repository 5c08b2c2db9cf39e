// Regression tests for what the fuzz targets (fuzz/, scripts/fuzz.sh) found: each case feeds
// the input that failed (kept as fuzz/corpus/TARGET/regress-*) and checks the fixed answer.
// Results per target: bench/results/fuzz.md.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "aws/xml.hpp"
#include "engine/docker_json.hpp"
#include "net/http.hpp"
#include "test_helpers.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "yaml/yaml.hpp"

using namespace devenv;
using devenv::test::error_of;

TEST_SUITE("hardening") {
    TEST_CASE("fuzz_yaml_roundtrip: NUL bytes are refused, not read as BOM-less UTF-32 (regress-leading-nul)") {
        // yaml-cpp took "\0\0\0x" for UTF-32BE and decoded the file into text that was not UTF-8,
        // so the emitted Compose file could not be read back.
        std::string text("\0\0\0gices:\n  web:\n    image: ningx\n", 33);
        std::string msg = error_of([&] { parse_yaml(text, "t.yaml"); });
        CHECK(msg.find("NUL") != std::string::npos);
        // Further in the file too (a NUL in a value).
        CHECK(error_of([] { parse_yaml(std::string("a: b\0c\n", 7), "t.yaml"); }).find("NUL") != std::string::npos);
        // Invalid UTF-8 before the NUL is reported first, as before.
        CHECK(error_of([] { parse_yaml(std::string("a: \xff\0\n", 6), "t.yaml"); }).find("UTF-8") != std::string::npos);
    }

    TEST_CASE("fuzz_aws_xml: character references past U+10FFFF, surrogates and NUL stay as written (regress-codepoint-past-10ffff)") {
        CHECK(xml_unescape("&#x1F60600;") == "&#x1F60600;");
        CHECK(xml_unescape("&#xD800;") == "&#xD800;");
        CHECK(xml_unescape("&#0;") == "&#0;");
        CHECK(xml_unescape("&#1114112;") == "&#1114112;");
        CHECK(xml_unescape("&#x10FFFF;") == "\xF4\x8F\xBF\xBF");
        CHECK(xml_unescape("&#x1F600; &#233; &amp;&lt;") == "\xF0\x9F\x98\x80 \xC3\xA9 &<");
        std::string v = xml_value("<Message>The queue &#x1F60600; does not exist</Message>", "Message");
        CHECK_FALSE(invalid_utf8_at(v).has_value());
    }

    TEST_CASE("aws xml: a text of many '&' without ';' decodes in linear time") {
        std::string many(4u << 20, '&');
        auto start = std::chrono::steady_clock::now();
        std::string out = xml_unescape(many);
        std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        CHECK(out == many);
        CHECK(took.count() < 5);
        CHECK(xml_unescape("&amp &amp;") == "&amp &");
    }

    TEST_CASE("engine json: odd inspect answers read as empty fields, never abort or throw (regress-*)") {
        // Each of these aborted (a const operator[] on a missing key asserts) or threw a
        // json::type_error / fmt::format_error out of the reader.
        ContainerInfo c;
        apply_container_inspect(c, nlohmann::json::parse(R"({"State":{"Health":{"Status":"healthy"}}})"));
        CHECK(c.health == "healthy");
        CHECK(c.health_log.empty());

        ContainerInfo t;
        apply_container_inspect(t, nlohmann::json::parse(R"({"Config":{"Tty":1},"State":{"OOMKilled":"yes"}})"));
        CHECK_FALSE(t.tty);
        CHECK_FALSE(t.oom_killed);
        apply_container_inspect(t, nlohmann::json::parse(R"({"Config":{"Tty":true},"State":{"OOMKilled":true}})"));
        CHECK(t.tty);
        CHECK(t.oom_killed);

        ContainerInfo l = container_from_list(nlohmann::json::parse(R"({"Id":"x","Created":99999999999999999})"));
        CHECK(l.id == "x");
        CHECK(l.created_at.empty());
        CHECK(container_from_list(nlohmann::json::parse(R"({"Created":18446744073709551615})")).created_at.empty());
        CHECK(container_from_list(nlohmann::json::parse(R"({"Created":1700000000})")).created_at == "2023-11-14T22:13:20Z");

        ContainerInfo n;
        apply_container_inspect(n, nlohmann::json::parse(R"({"RestartCount":4294967296,"State":{"ExitCode":-3000000000}})"));
        CHECK(n.restart_count == 0);
        CHECK(n.exit_code == 0);
    }

    TEST_CASE("fuzz_http_headers: url_encode of an empty view reads nothing (regress-empty-input)") {
        // curl_easy_escape reads length 0 as "call strlen": past the end of a view that is not
        // NUL-terminated (ASan: heap-buffer-overflow).
        std::string buf = "abc";
        CHECK(url_encode(std::string_view(buf.data(), 0)).empty());
        CHECK(url_encode(std::string_view(buf.data(), 2)) == "ab");
        CHECK(url_encode("a b/c") == "a%20b%2Fc");
    }

    TEST_CASE("http: header lines as libcurl hands them over") {
        Headers h;
        read_header_line(h, "HTTP/1.1 100 Continue\r\n");
        read_header_line(h, "X-Old: 1\r\n");
        read_header_line(h, "HTTP/1.1 200 OK\r\n");
        read_header_line(h, "Content-Type:  application/json \r\n");
        read_header_line(h, "no colon\r\n");
        read_header_line(h, "\r\n");
        REQUIRE(h.size() == 1);
        CHECK(h[0].first == "Content-Type");
        CHECK(h[0].second == "application/json");
    }

    TEST_CASE("fuzz_yaml_roundtrip: a long key that quoting stretches past 1024 characters reads back (regress-long-quoted-key-*)") {
        std::string key = "n" + std::string(300, '\x03');
        Value doc = Value::mapping();
        doc.set(key, Value::string("v"));
        doc.set("b", Value::string("c"));
        std::string text = emit_yaml(doc);
        Value back = parse_yaml(text, "emitted.yaml");
        CHECK(back == doc);
        // Short keys keep the implicit form.
        CHECK(emit_yaml(parse_yaml("a: 1\n", "t.yaml")) == "a: 1\n");
    }
}

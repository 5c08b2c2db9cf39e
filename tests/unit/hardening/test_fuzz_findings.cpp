// Regression tests for what the fuzz targets (fuzz/, scripts/fuzz.sh) found: each case feeds
// the input that failed (kept as fuzz/corpus/TARGET/regress-*) and checks the fixed answer.
// Results per target: bench/results/fuzz.md.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "aws/xml.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "yaml/yaml.hpp"

using namespace devenv;

namespace {

template <class Fn>
std::string error_of(Fn fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.message();
    }
    FAIL("no error thrown");
    return {};
}

}  // namespace

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
}

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "test_helpers.hpp"
#include "util/dotenv.hpp"
#include "util/error.hpp"

using namespace devenv;

namespace {

EnvLookup env(std::map<std::string, std::string, std::less<>> vars) { return test::env_of(std::move(vars)); }

std::map<std::string, std::string> parse(std::string_view text, const EnvLookup& lookup = {}) {
    std::map<std::string, std::string> out;
    for (const auto& e : parse_dotenv(text, ".env", lookup)) out[e.key] = e.value;
    return out;
}

std::string value(std::string_view text, const EnvLookup& lookup = {}) {
    auto entries = parse_dotenv(text, ".env", lookup);
    REQUIRE(entries.size() == 1);
    return entries[0].value;
}

Error error_of(std::string_view text, const EnvLookup& lookup = {}) {
    try {
        parse_dotenv(text, "proj/.env", lookup);
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error");
    return Error(ErrorKind::internal, "");
}

}  // namespace

TEST_SUITE("util.dotenv") {
    TEST_CASE("keys, values, order and lines") {
        auto entries = parse_dotenv("# header\n\nA=1\n  B = two  \nexport C=3\nA=again\n", ".env", {});
        REQUIRE(entries.size() == 4);
        CHECK(entries[0].key == "A");
        CHECK(entries[0].value == "1");
        CHECK(entries[0].line == 3);
        CHECK(entries[1].key == "B");
        CHECK(entries[1].value == "two");
        CHECK(entries[1].line == 4);
        CHECK(entries[2].key == "C");
        CHECK(entries[2].line == 5);
        CHECK(entries[3].value == "again");
        CHECK(parse_dotenv("", ".env", {}).empty());
        CHECK(parse_dotenv("\n\n   \n# only comments\n", ".env", {}).empty());
    }

    TEST_CASE("unquoted values, as Compose reads them") {
        CHECK(value("A=val # comment") == "val");
        CHECK(value("A=val#not") == "val#not");
        CHECK(value("A=#not") == "#not");
        CHECK(value("A= #not") == "#not");
        CHECK(value("A=a # c # d") == "a");
        CHECK(value("A=a\t# tab comment") == "a\t# tab comment");  // only a space starts one
        CHECK(value("A=  a  b  ") == "a  b");
        CHECK(value("A=a=b=c") == "a=b=c");
        CHECK(value("A==x") == "=x");
        CHECK(value("A=a\\nb") == "a\\nb");
        CHECK(value("A=x\\") == "x\\");
        CHECK(value("A=a\"b\"c") == "a\"b\"c");
        CHECK(value("A=") == "");
        CHECK(value("A=   ") == "");
        CHECK(value("A: yaml style") == "yaml style");
        CHECK(value("export  A=x") == "x");
        CHECK(value("\texport\tA=x") == "x");
        CHECK(value("export=1") == "1");  // a key named export
        CHECK(value("A=1\r\n") == "1");
        CHECK(value("\xEF\xBB\xBF" "A=bom") == "bom");
        CHECK(parse("A.b-c=1")["A.b-c"] == "1");
    }

    TEST_CASE("single quotes are literal") {
        CHECK(value("A='a\\nb ${X} $$' # c") == "a\\nb ${X} $$");
        CHECK(value("A='it\\'s'") == "it's");
        CHECK(value("A='a\\\\'") == "a\\\\");  // checked with compose 2.26
        CHECK(value("A='a\\b'") == "a\\b");
        CHECK(value("A=  '  padded  '  ") == "  padded  ");
        CHECK(value("A=''") == "");
        CHECK(value("A='multi\nline'\n") == "multi\nline");
        CHECK(value("A='#x'") == "#x");
    }

    TEST_CASE("double quotes: escapes, interpolation, several lines") {
        CHECK(value(R"(A="a\nb\tc\\d\"e\r|")") == "a\nb\tc\\d\"e\r|");
        CHECK(value(R"(A="a\'b\u00e9")") == "a\\'b\\u00e9");  // unknown escapes stay as written
        CHECK(value(R"(A="\${X} \$ $$")", env({{"X", "x"}})) == "${X} $ $");
        CHECK(value("A=\"x\" # trailing") == "x");
        CHECK(value("A=\"x\"# trailing") == "x");
        CHECK(value("A=\"\"") == "");
        CHECK(value("A=\"multi\nline\"\n") == "multi\nline");
        CHECK(value("A=\"multi\r\nline\"\r\n") == "multi\nline");
        auto m = parse("A=\"first\nsecond\"\nB=after\n");
        CHECK(m["A"] == "first\nsecond");
        CHECK(m["B"] == "after");
        auto entries = parse_dotenv("A=\"1\n2\n3\"\nB=x\n", ".env", {});
        CHECK(entries[1].line == 4);
    }

    TEST_CASE("interpolation sees the environment first, then earlier keys") {
        auto m = parse("A=file\nB=${A}\nC=\"${A}-${NOPE:-d}\"\nD='${A}'\nE=$A-x\n");
        CHECK(m["B"] == "file");
        CHECK(m["C"] == "file-d");
        CHECK(m["D"] == "${A}");
        CHECK(m["E"] == "file-x");
        CHECK(parse("A=file\nB=${A}\n", env({{"A", "env"}}))["B"] == "env");
        CHECK(parse("B=${A}\nA=later\n")["B"] == "");  // only earlier keys
        CHECK(parse("A=1\nA=${A}2\n")["A"] == "12");
        CHECK(value("S=${HOSTVAR}", env({{"HOSTVAR", "h"}})) == "h");
    }

    TEST_CASE("a key alone passes the environment's value through") {
        CHECK(parse("A\nexport B\nC # comment\n").empty());
        auto m = parse("A\nB\n", env({{"A", "from env"}}));
        CHECK(m.size() == 1);
        CHECK(m["A"] == "from env");
    }

    TEST_CASE("errors name file, line and column") {
        auto e = error_of("A=1\nV B=x\n");
        CHECK(e.kind() == ErrorKind::profile);
        REQUIRE(e.where());
        CHECK(e.where()->file == "proj/.env");
        CHECK(e.where()->line == 2);
        CHECK(e.where()->column == 3);
        CHECK(e.where()->source_line == "V B=x");
        CHECK(e.message() == "unexpected 'B' after the name V (expected '=')");

        auto digit = error_of("\n1V=x\n");
        CHECK(digit.message() == "invalid variable name '1V'");
        CHECK(digit.where()->line == 2);
        CHECK(digit.where()->column == 1);
        CHECK(error_of("=x").message() == "expected a variable name, found '='");

        auto open = error_of("A=1\nB=\"never closed\nC=2\n");
        CHECK(open.message() == "unterminated quoted value for B");
        CHECK(open.where()->line == 2);
        CHECK(open.where()->column == 3);
        CHECK(error_of("A='x").message() == "unterminated quoted value for A");
        CHECK(error_of("A='a\\'").message() == "unterminated quoted value for A");

        auto junk = error_of("A=\"a\"b");
        CHECK(junk.message() == "unexpected text after the closing quote of A (a comment needs '#')");
        CHECK(junk.where()->column == 6);
        CHECK(error_of("A='a' 'b'").where()->column == 7);
    }

    TEST_CASE("interpolation errors point into the value") {
        auto e = error_of("X=1\nDB_URL=postgres://u:${DB_PASSWORD:?set it in .env}@db\n");
        CHECK(e.message() == "DB_URL: required variable DB_PASSWORD is not set: set it in .env");
        CHECK(e.where()->line == 2);
        CHECK(e.where()->column == 21);
        auto multi = error_of("A=\"one\n  ${B:?needed}\"\n");
        CHECK(multi.where()->line == 2);
        CHECK(multi.where()->column == 3);
        CHECK(multi.where()->source_line == "  ${B:?needed}\"");
        auto syntax = error_of("A=x${B");
        CHECK(syntax.message() == "A: unterminated '${B': missing '}'");
        CHECK(syntax.where()->column == 4);
        CHECK(error_of("A=\"\\n${B\"").where()->column == 6);
    }
}

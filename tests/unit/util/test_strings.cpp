#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "util/strings.hpp"

using namespace devenv;

TEST_SUITE("util.strings") {
    TEST_CASE("trim") {
        CHECK(trim("") == "");
        CHECK(trim(" \t\r\n ") == "");
        CHECK(trim("  a b  ") == "a b");
        CHECK(trim_left("  a ") == "a ");
        CHECK(trim_right("  a \n") == "  a");
        CHECK(trim("\xc2\xa0x") == "\xc2\xa0x");  // ASCII whitespace only
    }

    TEST_CASE("split_lines reads lines as getline does, without a trailing CR") {
        using V = std::vector<std::string>;
        CHECK(split_lines("") == V{});
        CHECK(split_lines("a") == V{"a"});
        CHECK(split_lines("a\n") == V{"a"});
        CHECK(split_lines("a\r\n\nb\n") == V{"a", "", "b"});
        CHECK(split_lines("\n") == V{""});
        CHECK(split_lines("a\rb\r") == V{"a\rb"});  // only the CR that ends a line goes
    }

    TEST_CASE("last_lines: the last non-blank lines on one line") {
        CHECK(last_lines("", 3) == "");
        CHECK(last_lines("one\n\n  \ntwo\r\nthree\nfour\n", 3) == "two | three | four");
        CHECK(last_lines("only\n", 3) == "only");
    }

    TEST_CASE("lowercase and iequals are ASCII only") {
        CHECK(lowercase("Content-MD5 X") == "content-md5 x");
        CHECK(lowercase("\xC3\x84") == "\xC3\x84");
        CHECK(iequals("Content-Type", "content-TYPE"));
        CHECK_FALSE(iequals("a", "ab"));
    }

    TEST_CASE("split keeps empty pieces; join undoes it") {
        CHECK(split("a,b,c", ',') == std::vector<std::string>{"a", "b", "c"});
        CHECK(split("a,,b,", ',') == std::vector<std::string>{"a", "", "b", ""});
        CHECK(split("", ',') == std::vector<std::string>{""});
        CHECK(split("abc", ',') == std::vector<std::string>{"abc"});
        CHECK(join({"a", "b", "c"}, ", ") == "a, b, c");
        CHECK(join({}, ",") == "");
        CHECK(join({"x"}, ",") == "x");
        for (std::string s : {"", "a", "a,,b,", ",,"}) CHECK(join(split(s, ','), ",") == s);
    }

    TEST_CASE("case and classification are ASCII") {
        CHECK(lowercase("Hello_World-42") == "hello_world-42");
        CHECK(lowercase("\xc3\x89") == "\xc3\x89");
        CHECK(iequals("DynamoDB", "dynamodb"));
        CHECK_FALSE(iequals("dynamo", "dynamodb"));
        CHECK(is_alpha('z'));
        CHECK_FALSE(is_alpha('\xe9'));
        CHECK(is_alnum('7'));
        CHECK_FALSE(is_digit('x'));
        CHECK(is_space('\v'));
        CHECK(to_lower('Q') == 'q');
        CHECK(to_lower('[') == '[');
    }
}

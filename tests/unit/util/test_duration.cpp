#include <doctest/doctest.h>

#include <string>

#include "util/duration.hpp"
#include "util/error.hpp"

using namespace devenv;
using namespace std::chrono_literals;

namespace {
std::string why(std::string_view text) {
    try {
        parse_duration(text);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        return e.message();
    }
    FAIL("no error for ", text);
    return "";
}
}  // namespace

TEST_SUITE("util.duration") {
    TEST_CASE("units and combinations") {
        CHECK(parse_duration("250ms") == 250ms);
        CHECK(parse_duration("5s") == 5s);
        CHECK(parse_duration("2m") == 2min);
        CHECK(parse_duration("1h") == 1h);
        CHECK(parse_duration("1m30s") == 90s);
        CHECK(parse_duration("1h30m") == 90min);
        CHECK(parse_duration("1m30s500ms") == 90'500ms);
        CHECK(parse_duration("0s") == 0ms);
        CHECK(parse_duration("0") == 0ms);
        CHECK(parse_duration("  10s\n") == 10s);
        CHECK(parse_duration("8760h") == 8760h);
    }

    TEST_CASE("a number alone is seconds") {
        CHECK(parse_duration("30") == 30s);
        CHECK(parse_duration("007") == 7s);
        CHECK(parse_duration("1.5") == 1500ms);
    }

    TEST_CASE("fractions") {
        CHECK(parse_duration("1.5s") == 1500ms);
        CHECK(parse_duration("0.1s") == 100ms);
        CHECK(parse_duration(".5s") == 500ms);
        CHECK(parse_duration("1.5m") == 90s);
        CHECK(parse_duration("0.25h") == 15min);
        CHECK(parse_duration("1.9ms") == 1ms);  // below a millisecond is dropped
        CHECK(parse_duration("0.0001s") == 0ms);
    }

    TEST_CASE("junk is rejected with the reason") {
        CHECK(why("") == "empty duration (use ms, s, m or h, e.g. 250ms, 1m30s)");
        CHECK(why("  ") == "empty duration (use ms, s, m or h, e.g. 250ms, 1m30s)");
        CHECK(why("5x") == "'5x' is not a duration: unknown unit 'x' (use ms, s, m or h, e.g. 250ms, 1m30s)");
        CHECK(why("5S").find("unknown unit 'S'") != std::string::npos);
        CHECK(why("5sec").find("unknown unit 'sec'") != std::string::npos);
        CHECK(why("1d").find("unknown unit 'd'") != std::string::npos);
        CHECK(why("1m30").find("30 has no unit") != std::string::npos);
        CHECK(why("-5s").find("it cannot be negative") != std::string::npos);
        CHECK(why("abc").find("expected a number at 'abc'") != std::string::npos);
        CHECK(why("s").find("expected a number at 's'") != std::string::npos);
        CHECK(why("5 s").find("unexpected ' '") != std::string::npos);
        CHECK(why("1m 30s").find("expected a number at ' 30s'") != std::string::npos);
        CHECK(why("5.s").find("a digit must follow '.'") != std::string::npos);
        CHECK(why("1.2.3s").find("unexpected '.'") != std::string::npos);
        CHECK(why("8761h").find("too long") != std::string::npos);
        CHECK(why("99999999999999999999").find("too long") != std::string::npos);
        CHECK(why("8760h1ms").find("too long") != std::string::npos);
    }

    TEST_CASE("formatting for people") {
        CHECK(format_duration(0us) == "0 ms");
        CHECK(format_duration(999us) == "0 ms");
        CHECK(format_duration(340ms) == "340 ms");
        CHECK(format_duration(999'999us) == "999 ms");
        CHECK(format_duration(1s) == "1.0 s");
        CHECK(format_duration(1'240ms) == "1.2 s");
        CHECK(format_duration(1'250ms) == "1.3 s");
        CHECK(format_duration(59'900ms) == "59.9 s");
        CHECK(format_duration(59'970ms) == "1 m 00 s");
        CHECK(format_duration(125s) == "2 m 05 s");
        CHECK(format_duration(3'599s) == "59 m 59 s");
        CHECK(format_duration(3'720s) == "1 h 02 m");
        CHECK(format_duration(-340ms) == "-340 ms");
    }

    TEST_CASE("spec text reads back exactly") {
        CHECK(format_duration_spec(0ms) == "0s");
        CHECK(format_duration_spec(250ms) == "250ms");
        CHECK(format_duration_spec(90s) == "1m30s");
        CHECK(format_duration_spec(1h) == "1h");
        CHECK(format_duration_spec(3'601'001ms) == "1h1s1ms");
        for (auto d : {0ms, 1ms, 999ms, 1'500ms, 60'000ms, 5'400'123ms, 31'536'000'000ms})
            CHECK(parse_duration(format_duration_spec(d)) == d);
    }
}

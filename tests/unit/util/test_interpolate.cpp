#include <doctest/doctest.h>

#include <map>
#include <string>

#include "test_helpers.hpp"
#include "util/error.hpp"
#include "util/interpolate.hpp"

using namespace devenv;

namespace {

// Keys absent are unset; EMPTY is set to "".
EnvLookup env(std::map<std::string, std::string, std::less<>> vars) { return test::env_of(std::move(vars)); }

const EnvLookup sample = env({{"USER", "ada"}, {"TAG", "16"}, {"EMPTY", ""}, {"_U", "u"}, {"lower", "low"},
                              {"postgres.DATABASE_URL", "postgres://db"}, {"aws.port", "4566"},
                              {"my-api.URL", "http://api"}});

std::string run(std::string_view s, const EnvLookup& l = sample) {
    auto r = try_interpolate(s, l);
    REQUIRE_MESSAGE(r.ok, r.message);
    return r.value;
}

InterpolationResult failure(std::string_view s, const EnvLookup& l = sample) {
    auto r = try_interpolate(s, l);
    REQUIRE_FALSE(r.ok);
    return r;
}

}  // namespace

TEST_SUITE("util.interpolate") {
    TEST_CASE("plain references, braced and not") {
        CHECK(run("") == "");
        CHECK(run("no dollars") == "no dollars");
        CHECK(run("$USER") == "ada");
        CHECK(run("${USER}") == "ada");
        CHECK(run("postgres:${TAG}-alpine") == "postgres:16-alpine");
        CHECK(run("$USER-x") == "ada-x");  // unbraced names stop at '-'
        CHECK(run("$USER.x") == "ada.x");
        CHECK(run("$TAG$USER") == "16ada");
        CHECK(run("$_U ${lower}") == "u low");
        CHECK(run("[$NOPE][${NOPE}]") == "[][]");  // unset is empty, as in Compose
        CHECK(run("${EMPTY}") == "");
    }

    TEST_CASE("dollar signs that are not references") {
        CHECK(run("$$") == "$");
        CHECK(run("$$USER") == "$USER");
        CHECK(run("$${USER}") == "${USER}");
        CHECK(run("a$$$USER") == "a$ada");
        // Compose keeps a '$' followed by anything else as written (checked with compose 2.26).
        CHECK(run("cost: 5$") == "cost: 5$");
        CHECK(run("$1 $ x $-") == "$1 $ x $-");
        CHECK(run("$\xc3\xa9") == "$\xc3\xa9");
    }

    TEST_CASE("defaults: ':-' for unset or empty, '-' for unset only") {
        CHECK(run("${NOPE:-fallback}") == "fallback");
        CHECK(run("${EMPTY:-fallback}") == "fallback");
        CHECK(run("${USER:-fallback}") == "ada");
        CHECK(run("${NOPE-fallback}") == "fallback");
        CHECK(run("${EMPTY-fallback}") == "");
        CHECK(run("${USER-fallback}") == "ada");
        CHECK(run("${NOPE:-}") == "");
        CHECK(run("${NOPE-}") == "");
        CHECK(run("${NOPE:-a b:c/d?e}") == "a b:c/d?e");
        CHECK(run("${NOPE:--x}") == "-x");
        CHECK(run("${NOPE:-x:-y}") == "x:-y");
        CHECK(run("${NOPE:-$$}") == "$");
        CHECK(run("${NOPE:-$}") == "$");
    }

    TEST_CASE("alternatives: ':+' when set and not empty, '+' when set") {
        CHECK(run("${USER:+alt}") == "alt");
        CHECK(run("${EMPTY:+alt}") == "");
        CHECK(run("${NOPE:+alt}") == "");
        CHECK(run("${USER+alt}") == "alt");
        CHECK(run("${EMPTY+alt}") == "alt");
        CHECK(run("${NOPE+alt}") == "");
        CHECK(run("${USER:+}") == "");
        CHECK(run("--user=${USER:+$USER}") == "--user=ada");
    }

    TEST_CASE("nested defaults and brace counting, as Compose does") {
        CHECK(run("${A:-${B:-x}}") == "x");
        CHECK(run("${A:-${TAG:-x}}") == "16");
        CHECK(run("${A:-${B:-${C:-deep}}}") == "deep");
        CHECK(run("${NOPE:-${USER}}") == "ada");
        CHECK(run("${NOPE:-$USER}") == "ada");
        CHECK(run("${NOPE-${TAG}}") == "16");
        CHECK(run("${USER:+${TAG}}") == "16");
        CHECK(run("${NOPE:-{x}}") == "{x}");
        CHECK(run("${NOPE:-{x}y}") == "{x}y");
        CHECK(run("${NOPE:-${B:-}}}") == "}");
        CHECK(run("${NOPE:-a}b}") == "ab}");
        CHECK(run("x}y{") == "x}y{");
    }

    TEST_CASE("the Compose documentation's examples") {
        const EnvLookup docs = env({{"TAG", "v1.5"}, {"FOO", "foo"}, {"EMPTY", ""}});
        CHECK(run("webapp:${TAG}", docs) == "webapp:v1.5");
        CHECK(run("${VARIABLE:-${FOO}}", docs) == "foo");
        CHECK(run("${VARIABLE:-${FOO:-default}}", docs) == "foo");
        CHECK(run("${VARIABLE:-${BAR:-default}}", docs) == "default");
        CHECK(failure("${VARIABLE?$FOO}", docs).message == "required variable VARIABLE is not set: foo");
        CHECK(run("echo $$VAR_NOT_INTERPOLATED_BY_COMPOSE", docs) ==
              "echo $VAR_NOT_INTERPOLATED_BY_COMPOSE");
        CHECK(run("${EMPTY:-default} ${EMPTY-default} ${EMPTY:+replacement} ${EMPTY+replacement}", docs) ==
              "default   replacement");
        CHECK(run("${TAG:-default} ${TAG-default} ${TAG:+replacement} ${TAG+replacement}", docs) ==
              "v1.5 v1.5 replacement replacement");
        CHECK(failure("${EMPTY:?err}", docs).message == "required variable EMPTY is empty: err");
        CHECK(run("${EMPTY?err}", docs) == "");
    }

    TEST_CASE("required variables") {
        auto r = failure("${DB_PASSWORD:?set it in .env}");
        CHECK(r.error == InterpolationError::required);
        CHECK(r.message == "required variable DB_PASSWORD is not set: set it in .env");
        CHECK(r.variable == "DB_PASSWORD");
        CHECK(r.offset == 0);

        CHECK(failure("${EMPTY:?need it}").message == "required variable EMPTY is empty: need it");
        CHECK(failure("${NOPE:?}").message == "required variable NOPE is not set");
        CHECK(failure("${NOPE?}").message == "required variable NOPE is not set");
        CHECK(failure("${NOPE?why}").message == "required variable NOPE is not set: why");
        CHECK(failure("${NOPE:?x:?y}").message == "required variable NOPE is not set: x:?y");
        CHECK(run("${EMPTY?why}") == "");  // '?' only requires it to be set
        CHECK(run("${USER:?why}") == "ada");
        CHECK(run("${USER?why}") == "ada");
        // The message is interpolated too.
        CHECK(failure("${NOPE:?need ${USER}}").message == "required variable NOPE is not set: need ada");
        CHECK(failure("${NOPE:?$$5}").message == "required variable NOPE is not set: $5");
    }

    TEST_CASE("the branch not taken is not evaluated (Compose would fail here)") {
        CHECK(run("${USER:-${B:?inner}}") == "ada");
        CHECK(run("${NOPE:+${B:?inner}}") == "");
        auto r = failure("${NOPE:-${B:?inner}}");
        CHECK(r.message == "required variable B is not set: inner");
        CHECK(r.variable == "B");
        CHECK(r.offset == 8);
    }

    TEST_CASE("error offsets point at the reference or the offending character") {
        auto req = failure("registry.local/api:${API_TAG:?set API_TAG in .env}");
        CHECK(req.offset == 19);
        CHECK(req.message == "required variable API_TAG is not set: set API_TAG in .env");

        auto unterminated = failure("nginx:${TAG");
        CHECK(unterminated.error == InterpolationError::syntax);
        CHECK(unterminated.offset == 6);
        CHECK(unterminated.variable == "TAG");
        CHECK(unterminated.message == "unterminated '${TAG': missing '}'");
        CHECK(failure("a ${A:-${B}").offset == 2);
        CHECK(failure("${").message == "unterminated '${': missing '}'");

        auto bad_name = failure("nginx:${1TAG}");
        CHECK(bad_name.error == InterpolationError::syntax);
        CHECK(bad_name.offset == 6);
        CHECK(bad_name.message == "invalid variable name in '${1TAG}'");
        CHECK(failure("${}").message == "missing variable name in '${}'");
        CHECK(failure("x ${-a}").offset == 2);

        auto bad_op = failure("ab${A:=x}");
        CHECK(bad_op.offset == 5);
        CHECK(bad_op.variable == "A");
        CHECK(bad_op.message ==
              "invalid character ':' after variable name A in '${A:=x}' (expected '}', ':-', '-', ':+', '+', ':?' or '?')");
        CHECK(failure("${A }").offset == 3);
        CHECK(failure("${A..b}").offset == 3);
    }

    TEST_CASE("syntax errors are found in branches not taken") {
        auto r = failure("${USER:-${}}");
        CHECK(r.error == InterpolationError::syntax);
        CHECK(r.offset == 8);
        CHECK(failure("${USER:-${1x}}").message == "invalid variable name in '${1x}'");
    }

    TEST_CASE("devenv's qualified names inside braces") {
        CHECK(run("${postgres.DATABASE_URL}") == "postgres://db");
        CHECK(run("http://localhost:${aws.port}") == "http://localhost:4566");
        CHECK(run("${my-api.URL}/health") == "http://api/health");
        CHECK(run("${aws.nope:-4510}") == "4510");
        CHECK(run("${aws.port-x}") == "4566");        // '-' after the last segment is the modifier
        CHECK(run("${version-16.2}") == "16.2");      // a segment cannot start with a digit
        CHECK(run("${NOPE-}") == "");
        CHECK(run("$aws.port") == ".port");           // unbraced names are Compose's
        CHECK(failure("${a.}").offset == 3);
        CHECK(failure("${-x.y}").message == "invalid variable name in '${-x.y}'");
        CHECK(run("${a-.b:-d}", env({})) == ".b:-d");  // not a qualified name: "a" with a default
    }

    TEST_CASE("the lookup sees the exact name once per reference") {
        std::vector<std::string> asked;
        EnvLookup spy = [&](std::string_view n) -> std::optional<std::string> {
            asked.emplace_back(n);
            return std::nullopt;
        };
        CHECK(run("$A ${b.c} ${D:-${E}}", spy) == "  ");
        CHECK(asked == std::vector<std::string>{"A", "b.c", "D", "E"});
    }

    TEST_CASE("the throwing wrapper") {
        CHECK(interpolate("${USER}", sample) == "ada");
        try {
            interpolate("${DB_PASSWORD:?set it in .env}", sample);
            FAIL("no throw");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::profile);
            CHECK(e.message() == "required variable DB_PASSWORD is not set: set it in .env");
            CHECK_FALSE(e.where().has_value());
        }
        CHECK_THROWS_AS(interpolate("${", sample), Error);
    }

    TEST_CASE("has_interpolation") {
        CHECK_FALSE(has_interpolation(""));
        CHECK_FALSE(has_interpolation("plain"));
        CHECK_FALSE(has_interpolation("5$"));
        CHECK_FALSE(has_interpolation("$1 $ $-"));
        CHECK(has_interpolation("$$"));
        CHECK(has_interpolation("$A"));
        CHECK(has_interpolation("x${"));
        CHECK(has_interpolation("${A:-b}"));
    }

    TEST_CASE("escape_dollars round-trips through interpolation") {
        CHECK(escape_dollars("") == "");
        CHECK(escape_dollars("p@ss$word") == "p@ss$$word");
        CHECK(escape_dollars("$$") == "$$$$");
        for (std::string s : {"p@ss$word", "${NOT_A_VAR}", "$$", "$", "a$1$"})
            CHECK(run(escape_dollars(s), env({})) == s);
    }

    TEST_CASE("whole_reference") {
        CHECK(whole_reference("${ports}") == "ports");
        CHECK(whole_reference("${postgres.DATABASE_URL}") == "postgres.DATABASE_URL");
        CHECK(whole_reference("${my-api.URL}") == "my-api.URL");
        CHECK_FALSE(whole_reference("$ports"));
        CHECK_FALSE(whole_reference("${ports:-x}"));
        CHECK_FALSE(whole_reference("${ports-x}"));
        CHECK_FALSE(whole_reference("x${ports}"));
        CHECK_FALSE(whole_reference("${ports}x"));
        CHECK_FALSE(whole_reference("${a}${b}"));
        CHECK_FALSE(whole_reference("${}"));
        CHECK_FALSE(whole_reference("${1a}"));
        CHECK_FALSE(whole_reference("${a-}"));
    }
}

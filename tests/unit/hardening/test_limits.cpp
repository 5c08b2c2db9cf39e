// Resource limits a profile cannot defeat (issue "Hardening"): each one is refused with a
// profile error (exit 2) in bounded time and memory. See docs/profiles.md, "Limits".
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include <fmt/format.h>

#include "../profile/project_fixture.hpp"
#include "profile/limits.hpp"
#include "profile/load.hpp"
#include "util/dotenv.hpp"
#include "util/error.hpp"
#include "util/interpolate.hpp"

using namespace devenv;
using devenv::test::TempProject;

namespace {

struct Refusal {
    std::string message;
    ExitCode code = ExitCode::ok;
};

template <class Fn>
Refusal refusal_of(Fn fn) {
    try {
        fn();
    } catch (const Error& e) {
        return {e.message(), exit_code_for(e.kind())};
    }
    FAIL("no error thrown");
    return {};
}

// Runs fn, checking it takes at most `seconds` (sanitized builds included).
template <class Fn>
Refusal refused_within(double seconds, Fn fn) {
    auto start = std::chrono::steady_clock::now();
    Refusal r = refusal_of(fn);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    CHECK(took.count() < seconds);
    return r;
}

}  // namespace

TEST_SUITE("hardening") {
    TEST_CASE("limits: variables that each double the one before are refused, not expanded to 2^40 bytes") {
        TempProject p;
        std::string vars = "variables:\n  V0: abcdefgh\n";
        for (int i = 1; i <= 40; ++i) vars += fmt::format("  V{}: \"${{V{}}}${{V{}}}\"\n", i, i - 1, i - 1);
        p.write("devenv.yaml", vars + "services:\n  a: {image: \"x:${V40}\"}\n");
        Refusal r = refused_within(20, [&] { load_profile(p.options()); });
        CHECK(r.code == ExitCode::usage);
        CHECK(r.message.find("MiB") != std::string::npos);
    }

    TEST_CASE("limits: many references to one large value stop at the load's interpolation budget") {
        TempProject p;
        p.env["BIG"] = std::string(1u << 20, 'x');
        std::string env;
        for (int i = 0; i < 100; ++i) env += fmt::format("      E{}: \"${{BIG}}\"\n", i);
        p.write("devenv.yaml", "services:\n  a:\n    image: x\n    environment:\n" + env);
        Refusal r = refused_within(20, [&] { load_profile(p.options()); });
        CHECK(r.code == ExitCode::usage);
        CHECK(r.message.find("all values together") != std::string::npos);
    }

    TEST_CASE("limits: a .env key repeating itself at each line is refused") {
        std::string text = "A=0123456789abcdef\n";
        for (int i = 0; i < 40; ++i) text += "A=${A}${A}\n";
        Refusal r = refused_within(20, [&] { parse_dotenv(text, ".env", {}); });
        CHECK(r.code == ExitCode::usage);
        CHECK(r.message.find("MiB") != std::string::npos);
    }

    TEST_CASE("limits: a .env file over 16 MiB is refused before it is read") {
        std::string text(kDotenvMaxFileBytes + 1, '#');
        Refusal r = refused_within(5, [&] { parse_dotenv(text, ".env", {}); });
        CHECK(r.message.find("at most 16 MiB") != std::string::npos);
    }

    TEST_CASE("limits: an extends chain longer than 32 profiles is refused; 30 load") {
        TempProject p;
        for (int i = 0; i < 40; ++i) p.write(fmt::format("p{}.yaml", i), fmt::format("extends: p{}.yaml\n", i + 1));
        p.write("p40.yaml", "services:\n  a: {image: x}\n");
        p.write("devenv.yaml", "extends: p0.yaml\n");
        Refusal r = refused_within(20, [&] { load_profile(p.options()); });
        CHECK(r.code == ExitCode::usage);
        CHECK(r.message.find("more than 32 profiles in one extends chain") != std::string::npos);

        p.write("p29.yaml", "services:\n  a: {image: x}\n");
        CHECK(load_profile(p.options()).services.size() == 1);
    }

    TEST_CASE("limits: template parameters whose defaults chain through 100 others are refused") {
        TempProject p;
        std::string params;
        for (int i = 0; i < 100; ++i) params += fmt::format("  p{}: {{type: string, default: \"${{p{}}}\"}}\n", i, i + 1);
        params += "  p100: {type: string, default: end}\n";
        p.write(".devenv/templates/chain.yaml", "template: chain\ndescription: d\nparams:\n" + params +
                                                    "service:\n  image: \"x:${p0}\"\n");
        p.write("devenv.yaml", "services:\n  a: {template: chain}\n");
        Refusal r = refused_within(20, [&] { load_profile(p.options()); });
        CHECK(r.code == ExitCode::usage);
        CHECK(r.message.find("more than 64 parameters") != std::string::npos);
    }

    TEST_CASE("limits: parameters whose defaults refer to each other in a ring are refused") {
        TempProject p;
        p.write(".devenv/templates/ring.yaml",
                "template: ring\ndescription: d\nparams:\n"
                "  a: {type: string, default: \"${b}\"}\n  b: {type: string, default: \"${c}\"}\n"
                "  c: {type: string, default: \"x${a}\"}\nservice:\n  image: \"x:${a}\"\n");
        p.write("devenv.yaml", "services:\n  s: {template: ring}\n");
        Refusal r = refused_within(5, [&] { load_profile(p.options()); });
        CHECK(r.code == ExitCode::usage);
        CHECK(r.message.find("refers to itself") != std::string::npos);
    }

    TEST_CASE("limits: a list parameter substituted thousands of times is refused (alias bomb through a template)") {
        TempProject p;
        std::string uses;
        for (int i = 0; i < 5000; ++i) uses += "\"${l}\", ";
        p.write(".devenv/templates/bomb.yaml", "template: bomb\ndescription: d\nparams:\n"
                                               "  l: {type: list}\nservice:\n  image: x\n  x-copies: [" + uses + "]\n");
        std::string items;
        for (int i = 0; i < 5000; ++i) items += "item-number, ";
        p.write("devenv.yaml", "services:\n  s:\n    template: bomb\n    with: {l: [" + items + "]}\n");
        Refusal r = refused_within(30, [&] { load_profile(p.options()); });
        CHECK(r.code == ExitCode::usage);
        CHECK(r.message.find("expand past") != std::string::npos);
    }

    TEST_CASE("limits: interpolation outside a budget still caps one value") {
        EnvLookup big = [](std::string_view) -> std::optional<std::string> { return std::string(1u << 20, 'x'); };
        std::string input;
        for (int i = 0; i < 40; ++i) input += "${A}";
        InterpolationResult r = try_interpolate(input, big);
        CHECK_FALSE(r.ok);
        CHECK(r.error == InterpolationError::too_large);
    }
}

#include <doctest/doctest.h>

#include "util/error.hpp"
#include "util/process.hpp"

using namespace devenv;

TEST_SUITE("util.process") {
    TEST_CASE("captures stdout, stderr and the exit code; argv is not a shell string") {
        auto r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
        CHECK(r.exit_code == 3);
        CHECK(r.out == "out\n");
        CHECK(r.err == "err\n");
        auto lit = run_process({"echo", "$HOME;", "`id`"});
        CHECK(lit.out == "$HOME; `id`\n");
    }
    TEST_CASE("stdin, env and cwd") {
        auto r = run_process({"sh", "-c", "cat; echo $X; pwd"}, {{{"X", "42"}}, "/tmp", std::string("in\n")});
        CHECK(r.out == "in\n42\n/tmp\n");
    }
    TEST_CASE("timeout kills the child") {
        ProcessOptions o;
        o.timeout = std::chrono::milliseconds(200);
        auto r = run_process({"sleep", "5"}, o);
        CHECK(r.timed_out);
        CHECK(r.exit_code == 128 + 15);
    }
    TEST_CASE("a missing program is an error") {
        CHECK_THROWS_AS(run_process({"no-such-program-devenv"}), Error);
        CHECK_FALSE(find_program("no-such-program-devenv"));
        CHECK(find_program("sh"));
    }
}

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "util/error.hpp"
#include "util/process.hpp"

using namespace devenv;
using namespace std::chrono_literals;

namespace {

auto elapsed_since(std::chrono::steady_clock::time_point t0) { return std::chrono::steady_clock::now() - t0; }

// A regular file without execute bits.
struct PlainFile {
    std::string path = "/tmp/devenv-test-plain-" + std::to_string(::getpid());
    PlainFile() { std::ofstream(path) << "#!/bin/sh\n"; ::chmod(path.c_str(), 0644); }
    ~PlainFile() { ::unlink(path.c_str()); }
};

const PlainFile& plain_file() {
    static PlainFile f;
    return f;
}

}  // namespace

TEST_SUITE("util.process") {
    TEST_CASE("captures stdout, stderr and the exit code; argv is not a shell string") {
        auto r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
        CHECK(r.exit_code == 3);
        CHECK(r.out == "out\n");
        CHECK(r.err == "err\n");
        CHECK_FALSE(r.timed_out);
        auto lit = run_process({"echo", "$HOME;", "`id`", "a b"});
        CHECK(lit.out == "$HOME; `id` a b\n");
    }

    TEST_CASE("stdin, env and cwd") {
        auto r = run_process({"sh", "-c", "cat; echo $X; pwd"}, {{{"X", "42"}}, "/tmp", std::string("in\n")});
        CHECK(r.out == "in\n42\n/tmp\n");
        SUBCASE("an override replaces an inherited variable; the rest is inherited") {
            ::setenv("DEVENV_TEST_INHERITED", "from-parent", 1);
            ProcessOptions o;
            o.env = {{"HOME", "/elsewhere"}};
            auto e = run_process({"sh", "-c", "echo $HOME $DEVENV_TEST_INHERITED"}, o);
            CHECK(e.out == "/elsewhere from-parent\n");
            ::unsetenv("DEVENV_TEST_INHERITED");
        }
        SUBCASE("without stdin_data the child reads an empty stdin, not our terminal") {
            auto e = run_process({"cat"});
            CHECK(e.exit_code == 0);
            CHECK(e.out.empty());
        }
    }

    TEST_CASE("megabytes on stdout and stderr at once, and on stdin, do not deadlock") {
        auto r = run_process({"sh", "-c", "head -c 3000000 /dev/zero; head -c 2000000 /dev/zero >&2; "
                                          "head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2"});
        CHECK(r.exit_code == 0);
        CHECK(r.out.size() == 4000000);
        CHECK(r.err.size() == 3000000);

        std::string big(5 * 1024 * 1024, 'x');
        ProcessOptions o;
        o.stdin_data = big;
        auto echo = run_process({"sh", "-c", "cat; cat /dev/null >&2"}, o);
        CHECK(echo.out.size() == big.size());
        CHECK(echo.out == big);
    }

    TEST_CASE("a child that does not read its stdin neither kills us (SIGPIPE) nor hangs") {
        ProcessOptions o;
        o.stdin_data = std::string(4 * 1024 * 1024, 'y');
        auto r = run_process({"true"}, o);
        CHECK(r.exit_code == 0);
    }

    TEST_CASE("timeout: SIGTERM, then SIGKILL for a child that ignores it") {
        ProcessOptions o;
        o.timeout = 200ms;
        auto t0 = std::chrono::steady_clock::now();
        auto r = run_process({"sleep", "5"}, o);
        CHECK(r.timed_out);
        CHECK(r.exit_code == 128 + 15);
        CHECK(elapsed_since(t0) < 1s);

        SUBCASE("a child that exits cleanly on SIGTERM keeps its own exit code") {
            auto c = run_process({"sh", "-c", "trap 'exit 7' TERM; while :; do sleep 0.05; done"}, o);
            CHECK(c.timed_out);
            CHECK(c.exit_code == 7);
        }
        SUBCASE("a child that ignores SIGTERM is killed 3 s later") {
            auto t1 = std::chrono::steady_clock::now();
            auto k = run_process({"sh", "-c", "trap '' TERM; echo started; while :; do sleep 0.05; done"}, o);
            CHECK(k.timed_out);
            CHECK(k.exit_code == 128 + 9);
            CHECK(k.out == "started\n");
            CHECK(elapsed_since(t1) >= 3s);
            CHECK(elapsed_since(t1) < 5s);
        }
    }

    TEST_CASE("a fast child is not slowed by its timeout or by a grandchild holding the pipes") {
        ProcessOptions o;
        o.timeout = 10s;
        auto t0 = std::chrono::steady_clock::now();
        auto r = run_process({"true"}, o);
        CHECK(r.exit_code == 0);
        CHECK(elapsed_since(t0) < 200ms);

        t0 = std::chrono::steady_clock::now();
        auto d = run_process({"sh", "-c", "sleep 3 & echo done"});
        CHECK(d.exit_code == 0);
        CHECK(d.out == "done\n");
        CHECK(elapsed_since(t0) < 1s);
    }

    TEST_CASE("killed by a signal: 128 + signal") {
        auto r = run_process({"sh", "-c", "kill -9 $$"});
        CHECK(r.exit_code == 128 + 9);
        CHECK_FALSE(r.timed_out);
    }

    TEST_CASE("inherit mode writes to our own stdout") {
        char path[] = "/tmp/devenv-test-inherit-XXXXXX";
        int file = ::mkstemp(path);
        REQUIRE(file >= 0);
        std::fflush(stdout);
        int saved = ::dup(1);
        ::dup2(file, 1);
        ProcessOptions o;
        o.capture_stdout = false;
        auto r = run_process({"sh", "-c", "echo to-our-stdout; echo captured >&2"}, o);
        std::fflush(stdout);
        ::dup2(saved, 1);
        ::close(saved);
        ::close(file);
        std::ifstream in(path);
        std::stringstream got;
        got << in.rdbuf();
        ::unlink(path);
        CHECK(got.str() == "to-our-stdout\n");
        CHECK(r.out.empty());
        CHECK(r.err == "captured\n");
    }

    TEST_CASE("several threads run processes at once, each getting its own output") {
        std::vector<std::thread> threads;
        std::vector<std::string> outs(6);
        for (std::size_t i = 0; i < outs.size(); ++i)
            threads.emplace_back([&, i] {
                outs[i] = run_process({"sh", "-c", "sleep 0.1; echo " + std::to_string(i)}).out;
            });
        for (auto& t : threads) t.join();
        for (std::size_t i = 0; i < outs.size(); ++i) CHECK(outs[i] == std::to_string(i) + "\n");
    }

    TEST_CASE("a program that cannot start is an io error") {
        try {
            run_process({"no-such-program-devenv"});
            FAIL("ran a missing program");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::io);
            CHECK(e.message() == "cannot run no-such-program-devenv: not found on PATH");
            CHECK_FALSE(e.hints().empty());
        }
        ProcessOptions o;
        o.cwd = "/nonexistent/devenv";
        CHECK_THROWS_AS(run_process({"true"}, o), Error);
        CHECK_THROWS_AS(run_process({plain_file().path}), Error);  // not executable
        CHECK_THROWS_AS(run_process({}), Error);
    }

    TEST_CASE("find_program searches PATH, or takes a path as given") {
        CHECK_FALSE(find_program("no-such-program-devenv"));
        CHECK_FALSE(find_program(""));
        auto sh = find_program("sh");
        REQUIRE(sh);
        CHECK(sh->front() == '/');
        CHECK(find_program("/bin/sh") == std::optional<std::string>("/bin/sh"));
        CHECK_FALSE(find_program(plain_file().path));
        CHECK_FALSE(find_program("/tmp"));  // a folder is not a program
    }
}

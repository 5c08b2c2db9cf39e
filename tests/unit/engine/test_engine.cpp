#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/compose.hpp"
#include "engine/docker_api.hpp"
#include "engine/docker_stream.hpp"
#include "http_test_server.hpp"
#include "util/error.hpp"

using namespace devenv;
using namespace std::chrono_literals;

namespace {

std::string frame(char kind, const std::string& text) {
    std::string raw(1, kind);
    raw += std::string("\0\0\0", 3);
    auto n = static_cast<unsigned>(text.size());
    raw += static_cast<char>((n >> 24) & 0xff);
    raw += static_cast<char>((n >> 16) & 0xff);
    raw += static_cast<char>((n >> 8) & 0xff);
    raw += static_cast<char>(n & 0xff);
    return raw + text;
}

void check_unreachable_fast(DockerApi& api, const std::string& expected_start) {
    auto t0 = std::chrono::steady_clock::now();
    try {
        api.ping();
        FAIL("ping succeeded");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::engine);
        INFO(e.message());
        CHECK(e.message().starts_with(expected_start));
        REQUIRE_FALSE(e.hints().empty());
        CHECK(e.hints().back() == "start the engine (e.g. `sudo systemctl start docker` or dockerd), or set DOCKER_HOST");
    }
    CHECK(std::chrono::steady_clock::now() - t0 < 1s);
}

}  // namespace

TEST_SUITE("engine") {
    TEST_CASE("an unreachable engine is an engine error, in well under a second") {
        SUBCASE("a unix socket that does not exist") {
            DockerApi api("unix:///nonexistent/docker.sock");
            check_unreachable_fast(api, "cannot reach the Docker engine at unix:///nonexistent/docker.sock: no socket at /nonexistent/docker.sock");
        }
        SUBCASE("DOCKER_HOST is honoured") {
            const char* old = std::getenv("DOCKER_HOST");
            std::string saved = old ? old : "";
            ::setenv("DOCKER_HOST", "unix:///nonexistent", 1);
            DockerApi api;
            if (old) ::setenv("DOCKER_HOST", saved.c_str(), 1);
            else ::unsetenv("DOCKER_HOST");
            CHECK(api.host() == "unix:///nonexistent");
            check_unreachable_fast(api, "cannot reach the Docker engine at unix:///nonexistent: no socket at /nonexistent");
            // Every call, not only ping, fails the same way.
            CHECK_THROWS_AS(api.list_project("x"), Error);
            CHECK_THROWS_AS(api.logs("x", 5), Error);
        }
        SUBCASE("a socket file nobody listens on (an engine that stopped)") {
            std::string path = "/tmp/devenv-test-stale-" + std::to_string(::getpid()) + ".sock";
            int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
            sockaddr_un a{};
            a.sun_family = AF_UNIX;
            std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
            ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);  // bound, never listening
            DockerApi api("unix://" + path);
            check_unreachable_fast(api, "cannot reach the Docker engine at unix://" + path + ": nothing listens on " + path);
            ::close(fd);
            ::unlink(path.c_str());
        }
        SUBCASE("a TCP port nobody listens on") {
            test::ClosedPort closed;
            std::string host = "tcp://127.0.0.1:" + std::to_string(closed.port());
            DockerApi api(host);
            check_unreachable_fast(api, "cannot reach the Docker engine at " + host + ": ");
        }
    }

    TEST_CASE("requests go out in the pinned API version without a ping; an older engine's refusal settles it") {
        SUBCASE("an engine that speaks the pinned version: the list is the only request") {
            test::HttpTestServer engine([](const test::SeenRequest& r) {
                if (r.path() == "/v1.41/containers/json") return test::reply(200, "[]");
                return test::reply(404, R"({"message":"page not found"})");
            });
            DockerApi api("tcp://127.0.0.1:" + std::to_string(engine.port()));
            CHECK(api.list_project("demo").empty());
            auto seen = engine.seen();
            REQUIRE(seen.size() == 1);
            CHECK(seen[0].path() == "/v1.41/containers/json");
            CHECK(api.api_version() == "1.41");  // asked now, with a ping
            CHECK(engine.seen().size() == 2);
            CHECK(engine.seen()[1].path() == "/_ping");
        }
        SUBCASE("an engine older than the pinned version: refused once, asked, sent again in its version") {
            // Docker's own answer to a client version above its maximum (API middleware).
            test::HttpTestServer engine([](const test::SeenRequest& r) {
                if (r.path() == "/_ping") return test::reply(200, "OK", {{"Api-Version", "1.40"}});
                if (r.path().starts_with("/v1.41/"))
                    return test::reply(400, R"({"message":"client version 1.41 is too new. Maximum supported API version is 1.40"})");
                if (r.path() == "/v1.40/containers/json") return test::reply(200, "[]");
                if (r.path() == "/v1.40/version") return test::reply(200, R"({"ApiVersion":"1.40"})");
                return test::reply(404, R"({"message":"page not found"})");
            });
            DockerApi api("tcp://127.0.0.1:" + std::to_string(engine.port()));
            CHECK(api.list_project("demo").empty());
            CHECK(api.version().value("ApiVersion", "") == "1.40");
            auto seen = engine.seen();
            REQUIRE(seen.size() == 4);
            CHECK(seen[0].path() == "/v1.41/containers/json");
            CHECK(seen[1].path() == "/_ping");
            CHECK(seen[2].path() == "/v1.40/containers/json");
            CHECK(seen[3].path() == "/v1.40/version");  // settled: no second refusal
            CHECK(api.api_version() == "1.40");
        }
        SUBCASE("a ping records the version, so nothing is refused after it") {
            test::HttpTestServer engine([](const test::SeenRequest& r) {
                if (r.path() == "/_ping") return test::reply(200, "OK", {{"Api-Version", "1.40"}});
                if (r.path() == "/v1.40/containers/json") return test::reply(200, "[]");
                return test::reply(400, R"({"message":"client version 1.41 is too new. Maximum supported API version is 1.40"})");
            });
            DockerApi api("tcp://127.0.0.1:" + std::to_string(engine.port()));
            api.ping();
            CHECK(api.list_project("demo").empty());
            CHECK(engine.seen().size() == 2);
        }
    }

    TEST_CASE("unsupported DOCKER_HOST schemes are refused") {
        CHECK_THROWS_AS(DockerApi("npipe:////./pipe/docker_engine"), Error);
        CHECK_THROWS_AS(DockerApi("ssh://"), Error);
        CHECK_NOTHROW(DockerApi("ssh://user@host:2222"));  // connects lazily
    }

    TEST_CASE("docker streams are demultiplexed by the container's TTY setting") {
        std::string raw = frame(1, "out line\n") + frame(2, "err line\n") + frame(1, "more\n");
        auto both = demux_docker_stream(raw, false);
        CHECK(both.out == "out line\nmore\n");
        CHECK(both.err == "err line\n");
        CHECK(demux_docker_stream(raw) == "out line\nerr line\nmore\n");
        CHECK(demux_docker_stream("plain tty text\n") == "plain tty text\n");
        CHECK(demux_docker_stream("").empty());
        // TTY text is never parsed as frames, even when it starts like one.
        std::string odd = std::string("\x01\0\0\0", 4) + "raw";
        CHECK(demux_docker_stream(odd, true).out == odd);

        SUBCASE("frames split across reads are joined; a stop is honoured") {
            DockerStreamDemuxer d(false);
            std::string got;
            auto collect = [&](StdStream s, std::string_view t) {
                got += (s == StdStream::err ? "E:" : "O:") + std::string(t);
                return true;
            };
            for (char ch : raw) CHECK(d.feed(std::string_view(&ch, 1), collect));
            CHECK(got == "O:out line\nE:err line\nO:more\n");
            CHECK(d.pending() == 0);
            DockerStreamDemuxer stop(false);
            int calls = 0;
            CHECK_FALSE(stop.feed(raw, [&](StdStream, std::string_view) { return ++calls < 1; }));
            CHECK(calls == 1);
        }
        SUBCASE("a large frame") {
            std::string big(70000, 'z');
            CHECK(demux_docker_stream(frame(1, big), false).out == big);
        }
    }

    TEST_CASE("Compose discovery honours DEVENV_COMPOSE and refuses v1") {
        std::string dir = "/tmp/devenv-test-compose-" + std::to_string(::getpid()) + "/with space";
        std::filesystem::create_directories(dir);
        auto fake = [&](const std::string& name, const std::string& version) {
            std::string path = dir + "/" + name;
            std::ofstream(path) << "#!/bin/sh\n[ \"$1 $2\" = \"version --short\" ] && echo " << version << "\n";
            std::filesystem::permissions(path, std::filesystem::perms::owner_all);
            return path;
        };
        const char* old = std::getenv("DEVENV_COMPOSE");
        std::string saved = old ? old : "";
        auto with = [&](const std::string& value) {
            ::setenv("DEVENV_COMPOSE", value.c_str(), 1);
            return discover_compose();
        };

        SUBCASE("a path, spaces and all, is the whole command") {
            std::string v2 = fake("compose2", "v2.30.0");
            ComposeTool t = with(v2);
            CHECK(t.argv == std::vector<std::string>{v2});
            CHECK(t.version == "2.30.0");
            CHECK(t.found_by == "DEVENV_COMPOSE");
        }
        SUBCASE("otherwise words: a command and its first arguments") {
            std::string v2 = fake("compose2", "2.26.1");
            std::string link = "/tmp/devenv-test-compose-" + std::to_string(::getpid()) + "/plain";
            std::filesystem::remove(link);
            std::filesystem::create_symlink(v2, link);
            // `plain version --short` with an extra first word would not match the fake's test.
            CHECK_THROWS_AS(with(link + " extra"), Error);
            CHECK(with(link).version == "2.26.1");
        }
        SUBCASE("v1 is refused, by name") {
            std::string v1 = fake("compose1", "1.29.2");
            try {
                with(v1);
                FAIL("v1 accepted");
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::engine);
                CHECK(e.message() == "DEVENV_COMPOSE=" + v1 + " is Compose 1.29.2; devenv needs Compose v2");
                CHECK_FALSE(e.hints().empty());
            }
        }
        SUBCASE("nothing runnable, or a failing version command") {
            CHECK_THROWS_AS(with("/nonexistent/docker-compose"), Error);
            try {
                with("false");
                FAIL("false accepted");
            } catch (const Error& e) {
                CHECK(e.message() == "DEVENV_COMPOSE=false: `false version --short` failed");
            }
        }
        if (old) ::setenv("DEVENV_COMPOSE", saved.c_str(), 1);
        else ::unsetenv("DEVENV_COMPOSE");
        std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
    }
}

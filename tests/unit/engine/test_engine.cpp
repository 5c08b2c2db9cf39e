#include <doctest/doctest.h>

#include <cstdlib>

#include "engine/compose.hpp"
#include "engine/docker_api.hpp"
#include "util/error.hpp"

using namespace devenv;

TEST_SUITE("engine") {
    TEST_CASE("an unreachable engine is an engine error, fast") {
        DockerApi api("unix:///nonexistent/docker.sock");
        auto t0 = std::chrono::steady_clock::now();
        try {
            api.ping();
            FAIL("ping succeeded");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::engine);
            CHECK(e.message().find("cannot reach the Docker engine at unix:///nonexistent/docker.sock") == 0);
            CHECK_FALSE(e.hints().empty());
        }
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
    }

    TEST_CASE("unsupported DOCKER_HOST schemes are refused") {
        CHECK_THROWS_AS(DockerApi("ssh://host"), Error);
    }

    TEST_CASE("docker log streams are demultiplexed") {
        std::string raw;
        auto frame = [&](char kind, std::string text) {
            raw += kind;
            raw += std::string("\0\0\0", 3);
            auto n = static_cast<unsigned>(text.size());
            raw += static_cast<char>((n >> 24) & 0xff);
            raw += static_cast<char>((n >> 16) & 0xff);
            raw += static_cast<char>((n >> 8) & 0xff);
            raw += static_cast<char>(n & 0xff);
            raw += text;
        };
        frame(1, "out line\n");
        frame(2, "err line\n");
        CHECK(demux_docker_stream(raw) == "out line\nerr line\n");
        CHECK(demux_docker_stream("plain tty text\n") == "plain tty text\n");
    }

    TEST_CASE("the real engine answers (needs DEVENV_TEST_DOCKER=1)" *
              doctest::skip(std::getenv("DEVENV_TEST_DOCKER") == nullptr)) {
        DockerApi api;
        api.ping();
        CHECK(api.version().contains("ApiVersion"));
        CHECK(api.list_project("devenv-no-such-project").empty());
        CHECK(compose_tool().version.starts_with("2."));
    }
}

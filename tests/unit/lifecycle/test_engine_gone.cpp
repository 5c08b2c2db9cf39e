// A failure that was the engine going away is reported as that (exit 3), not as what it caused.
#include <doctest/doctest.h>

#include <algorithm>

#include "lifecycle/environment.hpp"

using namespace devenv;

namespace {
const char* kNoEngine = "unix:///nonexistent/devenv-unit-test.sock";

bool mentions(const Error& e, std::string_view text) {
    return std::any_of(e.details().begin(), e.details().end(),
                       [&](const std::string& d) { return d.find(text) != std::string::npos; });
}

WaitResult one_failed(bool exited) {
    WaitResult r;
    ServiceOutcome s;
    s.name = "app";
    s.exited = exited;
    s.detail = exited ? "container exited with code 137" : "not ready after 5 s: connection refused";
    r.services.push_back(s);
    return r;
}
}  // namespace

TEST_SUITE("lifecycle") {

TEST_CASE("engine_gone: an engine that does not answer is an engine error saying what it cut short") {
    Environment env;
    env.docker = std::make_unique<DockerApi>(kNoEngine);
    auto e = engine_gone(env, "ran the seed");
    REQUIRE(e.has_value());
    CHECK(e->kind() == ErrorKind::engine);
    CHECK(e->message() == "the Docker engine stopped while devenv ran the seed");
    CHECK(mentions(*e, "/nonexistent/devenv-unit-test.sock"));
    CHECK_FALSE(e->hints().empty());
}

TEST_CASE("throw_wait_failure: a container that exited with the engine gone is exit 3, a timeout stays exit 4") {
    Environment env;
    env.docker = std::make_unique<DockerApi>(kNoEngine);
    try {
        throw_wait_failure(one_failed(true), env);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::engine);
        CHECK(e.message() == "the Docker engine stopped while devenv waited for app");
        CHECK(mentions(e, "app: container exited with code 137 (stopped with the engine)"));
    }
    // No container exited: the wait timed out, whatever the engine does now (nothing is asked).
    try {
        throw_wait_failure(one_failed(false), env);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::not_ready);
    }
}

}

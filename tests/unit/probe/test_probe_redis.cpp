#include <doctest/doctest.h>

#include <sys/time.h>

#include <string>
#include <utility>

#include <hiredis/hiredis.h>

#include "probe/probe.hpp"
#include "test_probe_support.hpp"

using namespace devenv;
using devenv::test::TestServer;

namespace {

// DEVENV_TEST_REDIS=host:port, a real server without a password (devenv-standin/redis:8).
const char* const kRedisEnv = "DEVENV_TEST_REDIS";
bool no_redis() { return !test::env(kRedisEnv); }

test::Probe real_redis() {
    auto f = split(*test::env(kRedisEnv), ':');
    REQUIRE_MESSAGE(f.size() == 2, "DEVENV_TEST_REDIS must be host:port");
    test::Probe spec("redis");
    spec.endpoint.host = f[0];
    spec.endpoint.port = std::stoi(f[1]);
    return spec;
}

// Length of the first complete RESP command (*N\r\n then N times $len\r\ndata\r\n) in buf,
// or 0 while it is incomplete.
std::size_t command_length(const std::string& buf) {
    auto line_end = [&](std::size_t from) { return buf.find("\r\n", from); };
    auto end = line_end(0);
    if (buf.empty() || buf[0] != '*' || end == std::string::npos) return 0;
    auto n = std::stoul(buf.substr(1, end - 1));
    std::size_t at = end + 2;
    for (std::size_t i = 0; i < n; ++i) {
        auto e = line_end(at);
        if (e == std::string::npos) return 0;
        at = e + 2 + std::stoul(buf.substr(at + 1, e - at - 1)) + 2;
        if (at > buf.size()) return 0;
    }
    return at;
}

// Answers every command with one canned RESP reply and remembers what it was sent.
struct FakeRedis {
    explicit FakeRedis(std::string canned) : reply(std::move(canned)) {}
    std::string reply;
    std::string received;
    TestServer server{[this](int fd) {
        std::string buf;
        for (;;) {
            while (auto len = command_length(buf)) {
                received += buf.substr(0, len);
                buf.erase(0, len);
                test::send_all(fd, reply);
            }
            auto more = test::read_exact(fd, 1);
            if (more.empty()) return;
            buf += more;
        }
    }};
};

test::Probe fake_spec(int port) {
    test::Probe spec("redis");
    spec.endpoint.port = port;
    return spec;
}

}  // namespace

TEST_SUITE("probe") {

TEST_CASE("redis: a refused port is not ready") {
    auto r = fake_spec(test::unused_port()).attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "connection refused");
}

TEST_CASE("redis: PONG is ready") {
    FakeRedis fake{"+PONG\r\n"};
    auto r = fake_spec(fake.server.port()).attempt();
    CHECK(r.ready);
    CHECK(r.detail == "PONG");
}

TEST_CASE("redis: LOADING is not ready") {
    FakeRedis fake{"-LOADING Redis is loading the dataset in memory\r\n"};
    auto r = fake_spec(fake.server.port()).attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "loading the dataset");
}

TEST_CASE("redis: a password is sent with AUTH") {
    FakeRedis fake{"+OK\r\n"};  // AUTH answered OK; PING then gets +OK, which is not PONG
    auto spec = fake_spec(fake.server.port());
    spec.endpoint.password = "p w";
    auto r = spec.attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "unexpected PING reply 'OK'");
    CHECK(fake.received.find("AUTH\r\n$3\r\np w\r\n") != std::string::npos);
}

TEST_CASE("redis: a peer that accepts and hangs up is not ready and does not kill us") {
    // docker-proxy accepts for a container that is not listening yet, then closes.
    TestServer server([](int) {});
    auto r = fake_spec(server.port()).attempt();
    CHECK_FALSE(r.ready);
    INFO(r.detail);
    CHECK_FALSE(r.detail.empty());
}

TEST_CASE("redis: real server answers PING (needs DEVENV_TEST_REDIS=host:port)"
          * doctest::skip(no_redis())) {
    auto r = real_redis().attempt();
    INFO(r.detail);
    CHECK(r.ready);
    CHECK(r.detail == "PONG");
}

TEST_CASE("redis: real server without a password rejects AUTH (needs DEVENV_TEST_REDIS)"
          * doctest::skip(no_redis())) {
    auto spec = real_redis();
    spec.endpoint.password = "nope";
    auto r = spec.attempt();
    CHECK_FALSE(r.ready);
    INFO(r.detail);
    CHECK(r.detail.find("AUTH") != std::string::npos);
}

TEST_CASE("redis: real server with requirepass: AUTH right, wrong, missing (needs DEVENV_TEST_REDIS)"
          * doctest::skip(no_redis())) {
    auto spec = real_redis();
    // Turn a password on for this test only, and off again whatever happens.
    auto* admin = redisConnectWithTimeout(spec.endpoint.host.c_str(), spec.endpoint.port, timeval{1, 0});
    REQUIRE((admin != nullptr && admin->err == 0));
    auto run = [&](const char* cmd) { freeReplyObject(redisCommand(admin, cmd)); };
    run("CONFIG SET requirepass s3cret");
    struct Restore {
        redisContext* c;
        ~Restore() {
            freeReplyObject(redisCommand(c, "CONFIG SET requirepass %s", ""));
            redisFree(c);
        }
    } restore{admin};

    auto r = spec.attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "authentication required (no password set)");
    spec.endpoint.password = "wrong";
    r = spec.attempt();
    CHECK_FALSE(r.ready);
    INFO(r.detail);
    CHECK(r.detail.starts_with("WRONGPASS"));
    spec.endpoint.password = "s3cret";
    r = spec.attempt();
    CHECK(r.ready);
    CHECK(r.detail == "PONG");
}

}

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

ProbeSpec real_redis() {
    auto f = split(*test::env(kRedisEnv), ':');
    REQUIRE_MESSAGE(f.size() == 2, "DEVENV_TEST_REDIS must be host:port");
    ProbeSpec spec;
    spec.kind = "redis";
    spec.host = f[0];
    spec.port = std::stoi(f[1]);
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

ProbeSpec fake_spec(int port) {
    ProbeSpec spec;
    spec.kind = "redis";
    spec.port = port;
    return spec;
}

}  // namespace

TEST_SUITE("probe") {

TEST_CASE("redis: a refused port is not ready") {
    auto r = probe_redis(fake_spec(test::unused_port()));
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "connection refused");
}

TEST_CASE("redis: PONG is ready") {
    FakeRedis fake{"+PONG\r\n"};
    auto r = probe_redis(fake_spec(fake.server.port()));
    CHECK(r.ready);
    CHECK(r.detail == "PONG");
}

TEST_CASE("redis: LOADING is not ready") {
    FakeRedis fake{"-LOADING Redis is loading the dataset in memory\r\n"};
    auto r = probe_redis(fake_spec(fake.server.port()));
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "loading the dataset");
}

TEST_CASE("redis: a password is sent with AUTH") {
    FakeRedis fake{"+OK\r\n"};  // AUTH answered OK; PING then gets +OK, which is not PONG
    auto spec = fake_spec(fake.server.port());
    spec.password = "p w";
    auto r = probe_redis(spec);
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "unexpected PING reply 'OK'");
    CHECK(fake.received.find("AUTH\r\n$3\r\np w\r\n") != std::string::npos);
}

TEST_CASE("redis: a peer that accepts and hangs up is not ready and does not kill us") {
    // docker-proxy accepts for a container that is not listening yet, then closes.
    TestServer server([](int) {});
    auto r = probe_redis(fake_spec(server.port()));
    CHECK_FALSE(r.ready);
    INFO(r.detail);
    CHECK_FALSE(r.detail.empty());
}

TEST_CASE("redis: real server answers PING (needs DEVENV_TEST_REDIS=host:port)"
          * doctest::skip(no_redis())) {
    auto r = probe_redis(real_redis());
    INFO(r.detail);
    CHECK(r.ready);
    CHECK(r.detail == "PONG");
}

TEST_CASE("redis: real server without a password rejects AUTH (needs DEVENV_TEST_REDIS)"
          * doctest::skip(no_redis())) {
    auto spec = real_redis();
    spec.password = "nope";
    auto r = probe_redis(spec);
    CHECK_FALSE(r.ready);
    INFO(r.detail);
    CHECK(r.detail.find("AUTH") != std::string::npos);
}

TEST_CASE("redis: real server with requirepass: AUTH right, wrong, missing (needs DEVENV_TEST_REDIS)"
          * doctest::skip(no_redis())) {
    auto spec = real_redis();
    // Turn a password on for this test only, and off again whatever happens.
    auto* admin = redisConnectWithTimeout(spec.host.c_str(), spec.port, timeval{1, 0});
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

    auto r = probe_redis(spec);
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "authentication required (no password set)");
    spec.password = "wrong";
    r = probe_redis(spec);
    CHECK_FALSE(r.ready);
    INFO(r.detail);
    CHECK(r.detail.starts_with("WRONGPASS"));
    spec.password = "s3cret";
    r = probe_redis(spec);
    CHECK(r.ready);
    CHECK(r.detail == "PONG");
}

}

#include <doctest/doctest.h>

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "probe/probe.hpp"
#include "test_probe_support.hpp"

using namespace devenv;
using devenv::test::TestServer;

namespace {

// DEVENV_TEST_PG=host:port:user:password:db, a real server (devenv-standin/postgres:17).
const char* const kPgEnv = "DEVENV_TEST_PG";
bool no_pg() { return !test::env(kPgEnv); }

test::Probe real_pg() {
    auto f = split(*test::env(kPgEnv), ':');
    REQUIRE_MESSAGE(f.size() == 5, "DEVENV_TEST_PG must be host:port:user:password:db");
    test::Probe spec("postgres");
    spec.endpoint.host = f[0];
    spec.endpoint.port = std::stoi(f[1]);
    spec.endpoint.user = f[2];
    spec.endpoint.password = f[3];
    spec.endpoint.database = f[4];
    return spec;
}

std::uint32_t read_u32(const std::string& s, std::size_t at) {
    std::uint32_t v = 0;
    std::memcpy(&v, s.data() + at, 4);
    return ntohl(v);
}

// Plays a PostgreSQL server during crash recovery / start-up: declines SSL and GSS encryption,
// then answers the startup packet with FATAL 57P03, exactly as a real backend does.
void serve_starting_up(int fd) {
    for (;;) {
        auto head = test::read_exact(fd, 8);  // length, then protocol version or request code
        if (head.size() < 8) return;
        auto len = read_u32(head, 0);
        if (len > 8) test::read_exact(fd, len - 8);  // the startup parameters
        auto code = read_u32(head, 4);
        if (code == 80877103 || code == 80877104) {  // SSLRequest, GSSENCRequest
            test::send_all(fd, "N");
            continue;
        }
        std::string fields;
        for (const char* f : {"SFATAL", "VFATAL", "C57P03", "Mthe database system is starting up"}) {
            fields += f;
            fields += '\0';
        }
        fields += '\0';
        std::uint32_t wire_len = htonl(static_cast<std::uint32_t>(fields.size() + 4));
        std::string msg = "E";
        msg.append(reinterpret_cast<const char*>(&wire_len), 4);
        msg += fields;
        test::send_all(fd, msg);
        return;
    }
}

}  // namespace

TEST_SUITE("probe") {

TEST_CASE("postgres: a refused port is not ready") {
    test::Probe spec("postgres", test::unused_port());
    spec.endpoint.user = "postgres";
    auto r = spec.attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "connection refused");
}

TEST_CASE("postgres: 'the database system is starting up' is not ready") {
    TestServer server(serve_starting_up);
    test::Probe spec("postgres", server.port());
    spec.endpoint.user = "postgres";
    spec.endpoint.password = "x";
    spec.endpoint.database = "app";
    auto r = spec.attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "the database system is starting up");
}

TEST_CASE("postgres: a peer that accepts and hangs up is not ready") {
    // What docker-proxy does for a published port while the container does not listen yet.
    TestServer server([](int) {});
    test::Probe spec("postgres", server.port());
    spec.endpoint.user = "postgres";
    auto r = spec.attempt();
    CHECK_FALSE(r.ready);
    INFO(r.detail);
    CHECK(r.detail.find("closed the connection") != std::string::npos);
}

TEST_CASE("postgres: real server answers SELECT 1 (needs DEVENV_TEST_PG=host:port:user:password:db)"
          * doctest::skip(no_pg())) {
    auto r = real_pg().attempt();
    INFO(r.detail);
    CHECK(r.ready);
    CHECK(r.detail == "SELECT 1 answered");
    MESSAGE("postgres probe latency: ", r.latency.count(), " us");
}

TEST_CASE("postgres: real server rejects a wrong password (needs DEVENV_TEST_PG)"
          * doctest::skip(no_pg())) {
    auto spec = real_pg();
    spec.endpoint.password += "-wrong";
    auto r = spec.attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.detail == fmt::format("password authentication failed for user \"{}\"", spec.endpoint.user));
}

TEST_CASE("postgres: real server, missing database (needs DEVENV_TEST_PG)"
          * doctest::skip(no_pg())) {
    auto spec = real_pg();
    spec.endpoint.database = "no_such_db";
    auto r = spec.attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "database \"no_such_db\" does not exist");
}

TEST_CASE("postgres: a password with quotes and spaces is passed intact (needs DEVENV_TEST_PG)"
          * doctest::skip(no_pg())) {
    // Built by concatenation, "x' host=evil" would rewrite the conninfo; here it is just wrong.
    auto spec = real_pg();
    spec.endpoint.password = "x' host=10.255.255.1 '";
    auto r = spec.attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.detail.starts_with("password authentication failed"));
}

}

#include <doctest/doctest.h>

#include "probe/probe.hpp"
#include "test_probe_support.hpp"

using namespace devenv;
using devenv::test::TestServer;

TEST_SUITE("probe") {

TEST_CASE("tcp: a listening socket is ready") {
    TestServer server([](int) {});
    test::Probe spec("tcp");
    spec.endpoint.port = server.port();
    auto r = spec.attempt();
    CHECK(r.ready);
    CHECK(r.detail == "connected");
    CHECK(r.latency.count() > 0);
}

TEST_CASE("tcp: localhost resolves and connects whichever family comes first") {
    TestServer server([](int) {});  // 127.0.0.1 only; ::1 (if listed first) is refused
    test::Probe spec("tcp", server.port());
    spec.endpoint.host = "localhost";
    CHECK(spec.attempt().ready);
}

TEST_CASE("tcp: a closed port is refused") {
    test::Probe spec("tcp", test::unused_port());
    auto r = spec.attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "connection refused");
}

TEST_CASE("tcp: a full accept queue times out within the attempt budget") {
    // Addresses outside may be intercepted by the machine's network; a listener with backlog 0
    // and one unaccepted connection makes Linux drop further SYNs, a timeout on loopback.
    int lfd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(lfd, 0) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len);
    test::Probe spec("tcp", ntohs(addr.sin_port));
    REQUIRE(spec.attempt().ready);  // this connection now fills the queue
    auto r = spec.attempt();
    ::close(lfd);
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "timed out");
    CHECK(r.latency >= std::chrono::milliseconds(450));
    CHECK(r.latency < std::chrono::milliseconds(700));
}

TEST_CASE("tcp: an unknown host says it cannot resolve") {
    test::Probe spec("tcp", 80);
    spec.endpoint.host = "no-such-host.invalid";
    auto r = spec.attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.detail.starts_with("cannot resolve no-such-host.invalid"));
}

}

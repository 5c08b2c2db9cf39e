#include <doctest/doctest.h>

#include "probe/probe.hpp"
#include "test_probe_support.hpp"

using namespace devenv;
using devenv::test::TestServer;

TEST_SUITE("probe") {

TEST_CASE("tcp: a listening socket is ready") {
    TestServer server([](int) {});
    ProbeSpec spec;
    spec.kind = "tcp";
    spec.port = server.port();
    auto r = probe_tcp(spec);
    CHECK(r.ready);
    CHECK(r.detail == "connected");
    CHECK(r.latency.count() > 0);
}

TEST_CASE("tcp: localhost resolves and connects whichever family comes first") {
    TestServer server([](int) {});  // 127.0.0.1 only; ::1 (if listed first) is refused
    ProbeSpec spec;
    spec.host = "localhost";
    spec.port = server.port();
    CHECK(probe_tcp(spec).ready);
}

TEST_CASE("tcp: a closed port is refused") {
    ProbeSpec spec;
    spec.port = test::unused_port();
    auto r = probe_tcp(spec);
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
    ProbeSpec spec;
    spec.port = ntohs(addr.sin_port);
    REQUIRE(probe_tcp(spec).ready);  // this connection now fills the queue
    auto r = probe_tcp(spec);
    ::close(lfd);
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "timed out");
    CHECK(r.latency >= std::chrono::milliseconds(450));
    CHECK(r.latency < std::chrono::milliseconds(700));
}

TEST_CASE("tcp: an unknown host says it cannot resolve") {
    ProbeSpec spec;
    spec.host = "no-such-host.invalid";
    spec.port = 80;
    auto r = probe_tcp(spec);
    CHECK_FALSE(r.ready);
    CHECK(r.detail.starts_with("cannot resolve no-such-host.invalid"));
}

}

// The tcp probe: a connection is accepted. Also tcp_connect(), which the kafka probe and seeder
// use before their client.
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "probe/kind.hpp"
#include "probe/short_detail.hpp"

namespace devenv {

namespace {

using Clock = std::chrono::steady_clock;

// Long enough for a loopback or LAN peer, short enough that the wait loop keeps its pace
// when a SYN is silently dropped.
constexpr std::chrono::milliseconds kConnectTimeout{500};

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

std::string errno_detail(int err) {
    switch (err) {
        case ECONNREFUSED: return "connection refused";
        case ETIMEDOUT: return "timed out";
        default: return short_detail(std::strerror(err));
    }
}

// 0 when connected, else an errno value.
int connect_one(const addrinfo& ai, Clock::time_point deadline) {
    Fd sock(::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol));
    if (sock.fd < 0) return errno;
    if (::connect(sock.fd, ai.ai_addr, ai.ai_addrlen) == 0) return 0;
    if (errno != EINPROGRESS) return errno;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return ETIMEDOUT;
        pollfd p{sock.fd, POLLOUT, 0};
        int n = ::poll(&p, 1, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        if (n == 0) return ETIMEDOUT;
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(sock.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
        return err;
    }
}

ProbeResult check(const ProbeCall& call) { return tcp_connect(call.endpoint, call.spec.timeout); }

}  // namespace

// Caution for callers: a port published through docker-proxy (the engine's userland proxy, used
// here with --iptables=false) accepts as soon as the container runs, listening or not, and then
// hangs up. So "connected" proves little for a published port; prefer a protocol probe.
ProbeResult tcp_connect(const Endpoint& endpoint, std::chrono::milliseconds budget) {
    const ProbeStopwatch finish;

    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* list = nullptr;
    auto port = std::to_string(endpoint.port);
    if (int rc = ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &list); rc != 0)
        return finish(false, fmt::format("cannot resolve {}: {}", endpoint.host, ::gai_strerror(rc)));

    // One budget for all addresses: "localhost" may give ::1 first while the service only
    // listens on 127.0.0.1, and a refusal there costs nothing, so the next address still fits.
    auto deadline = finish.start() + std::min<std::chrono::milliseconds>(kConnectTimeout, budget);
    int err = EHOSTUNREACH;
    for (auto* ai = list; ai != nullptr; ai = ai->ai_next) {
        err = connect_one(*ai, deadline);
        if (err == 0 || Clock::now() >= deadline) break;
    }
    ::freeaddrinfo(list);
    if (err == 0) return finish(true, "connected");
    return finish(false, errno_detail(err));
}

extern const ProbeKind tcp_probe{
    .decl = {.name = "tcp", .needs_port = true},
    .check = check,
};

}  // namespace devenv

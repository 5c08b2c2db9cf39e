#pragma once
// A loopback server for probe tests: listens on 127.0.0.1:0 and hands each accepted connection
// to a handler on its own thread, so a test can play any wire protocol without a real service
// (PostgreSQL, Redis, Kafka; HTTP tests use http_test_server.hpp).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "probe/kinds.hpp"
#include "profile/endpoint.hpp"
#include "http_test_server.hpp"
#include "profile/probe_spec.hpp"
#include "test_helpers.hpp"
#include "util/strings.hpp"

namespace devenv::test {

class TestServer {
public:
    explicit TestServer(std::function<void(int fd)> handler) : handler_(std::move(handler)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        ::listen(fd_, 16);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~TestServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    int port() const { return port_; }
    int accepted() const { return accepted_; }

private:
    void run() {
        std::vector<std::thread> workers;
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (conn < 0) continue;
            ++accepted_;
            workers.emplace_back([this, conn] {
                handler_(conn);
                ::close(conn);
            });
        }
        for (auto& w : workers) w.join();
    }

    std::function<void(int)> handler_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0};
    std::thread thread_;
};

// Reads until `until` appears or the peer stops sending (1 s of silence or close).
inline std::string read_until(int fd, std::string_view until) {
    std::string got;
    char buf[4096];
    while (got.find(until) == std::string::npos) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 1000) <= 0) break;
        auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
}

// Exactly n bytes, or fewer when the peer closes or stays silent for 1 s.
inline std::string read_exact(int fd, std::size_t n) {
    std::string got;
    char buf[4096];
    while (got.size() < n) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 1000) <= 0) break;
        auto r = ::recv(fd, buf, std::min(sizeof buf, n - got.size()), 0);
        if (r <= 0) break;
        got.append(buf, static_cast<std::size_t>(r));
    }
    return got;
}

inline void send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) return;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

// A probe under test, dispatched through the kinds table as the wait loop does: an endpoint on
// 127.0.0.1, the kind, and the kind's own fields set one by one.
struct Probe {
    Endpoint endpoint;
    ProbeSpec spec;
    ContainerView container{true, "running", 0, 0, "", ""};
    ProbeHooks hooks;

    explicit Probe(std::string kind, int port = 0) {
        spec.kind = std::move(kind);
        endpoint.port = port;
    }
    Probe& set(const char* key, std::string text) {
        spec.fields.set(key, Value::string(std::move(text)));
        return *this;
    }
    Probe& set_ints(const char* key, const std::vector<int>& values) {
        Value list = Value::sequence();
        for (int v : values) list.push_back(Value::integer(v));
        spec.fields.set(key, list);
        return *this;
    }
    Probe& set_list(const char* key, const std::vector<std::string>& values) {
        Value list = Value::sequence();
        for (const auto& v : values) list.push_back(Value::string(v));
        spec.fields.set(key, list);
        return *this;
    }
    Probe& unset(const char* key) {
        spec.fields.erase(key);
        return *this;
    }
    ProbeResult attempt(ProbeContext& ctx) const { return run_probe({"svc", endpoint, spec, ctx, container, hooks}); }
    ProbeResult attempt() const {
        ProbeContext ctx;
        return attempt(ctx);
    }
};

}  // namespace devenv::test

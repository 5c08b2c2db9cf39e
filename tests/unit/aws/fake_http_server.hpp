#pragma once
// A scripted HTTP/1.1 server on 127.0.0.1 for client tests: answers requests in order from a
// script (the last entry repeats), records what it saw, and can drop a connection unanswered.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "net/http.hpp"

namespace devenv::test {

struct Canned {
    int status = 200;
    std::string body;
    devenv::Headers headers;
    bool drop = false;  // read the request, then close without answering
};

inline Canned reply(int status, std::string body = {}, devenv::Headers headers = {}) {
    Canned c;
    c.status = status;
    c.body = std::move(body);
    c.headers = std::move(headers);
    return c;
}

inline Canned drop_connection() {
    Canned c;
    c.drop = true;
    return c;
}

struct Seen {
    std::string method;
    std::string target;  // path?query as sent
    devenv::Headers headers;
    std::string body;

    std::string header(std::string_view name) const {
        for (const auto& [k, v] : headers) {
            if (k.size() != name.size()) continue;
            bool same = true;
            for (std::size_t i = 0; i < k.size(); ++i)
                if (std::tolower(static_cast<unsigned char>(k[i])) != std::tolower(static_cast<unsigned char>(name[i])))
                    same = false;
            if (same) return v;
        }
        return {};
    }
};

class FakeHttpServer {
public:
    explicit FakeHttpServer(std::vector<Canned> script) : script_(std::move(script)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) throw std::runtime_error("socket");
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 8) != 0)
            throw std::runtime_error("bind/listen");
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~FakeHttpServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    FakeHttpServer(const FakeHttpServer&) = delete;
    FakeHttpServer& operator=(const FakeHttpServer&) = delete;

    int port() const { return port_; }
    std::string endpoint() const { return fmt::format("http://127.0.0.1:{}", port_); }
    std::vector<Seen> seen() {
        std::lock_guard lock(mu_);
        return seen_;
    }

private:
    bool wait_readable(int fd) {
        while (!stop_) {
            pollfd p{fd, POLLIN, 0};
            int n = ::poll(&p, 1, 50);
            if (n > 0) return true;
            if (n < 0) return false;
        }
        return false;
    }

    void run() {
        while (wait_readable(fd_)) {
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            serve(c);
            ::close(c);
        }
    }

    // Serves requests on one connection until the peer closes or a response drops it.
    void serve(int c) {
        std::string buf;
        char chunk[4096];
        for (;;) {
            std::size_t head_end;
            while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
                if (!wait_readable(c)) return;
                ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
                if (n <= 0) return;
                buf.append(chunk, static_cast<std::size_t>(n));
            }
            Seen req = parse_head(buf.substr(0, head_end));
            std::size_t length = std::strtoul(req.header("Content-Length").c_str(), nullptr, 10);
            buf.erase(0, head_end + 4);
            while (buf.size() < length) {
                if (!wait_readable(c)) return;
                ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
                if (n <= 0) return;
                buf.append(chunk, static_cast<std::size_t>(n));
            }
            req.body = buf.substr(0, length);
            buf.erase(0, length);
            Canned answer;
            {
                std::lock_guard lock(mu_);
                answer = script_[std::min(seen_.size(), script_.size() - 1)];
                seen_.push_back(req);
            }
            if (answer.drop) return;
            std::string out = fmt::format("HTTP/1.1 {} Scripted\r\nContent-Length: {}\r\n", answer.status,
                                          answer.body.size());
            for (const auto& [k, v] : answer.headers) out += fmt::format("{}: {}\r\n", k, v);
            out += "\r\n" + answer.body;
            ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
        }
    }

    static Seen parse_head(const std::string& head) {
        Seen s;
        std::size_t line_end = head.find("\r\n");
        std::string first = head.substr(0, line_end);
        std::size_t sp1 = first.find(' ');
        std::size_t sp2 = first.rfind(' ');
        s.method = first.substr(0, sp1);
        s.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
        std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
        while (pos < head.size()) {
            std::size_t end = head.find("\r\n", pos);
            if (end == std::string::npos) end = head.size();
            std::string line = head.substr(pos, end - pos);
            std::size_t colon = line.find(':');
            if (colon != std::string::npos) {
                std::size_t v = line.find_first_not_of(' ', colon + 1);
                s.headers.emplace_back(line.substr(0, colon), v == std::string::npos ? "" : line.substr(v));
            }
            pos = end + 2;
        }
        return s;
    }

    std::vector<Canned> script_;
    std::vector<Seen> seen_;
    std::mutex mu_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace devenv::test

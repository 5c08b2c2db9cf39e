#include "http_test_server.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace devenv::test {

namespace {

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

void write_all(int fd, const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
        ssize_t w = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
        if (w <= 0) return;
        off += static_cast<std::size_t>(w);
    }
}

// The request line and headers (everything before the blank line).
SeenRequest parse_head(std::string head) {
    SeenRequest r;
    std::size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    std::size_t sp1 = first.find(' ');
    std::size_t sp2 = first.find(' ', sp1 == std::string::npos ? sp1 : sp1 + 1);
    r.method = first.substr(0, sp1);
    if (sp1 != std::string::npos) r.target = first.substr(sp1 + 1, sp2 == std::string::npos ? sp2 : sp2 - sp1 - 1);
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
        std::size_t end = head.find("\r\n", pos);
        if (end == std::string::npos) end = head.size();
        std::string line = head.substr(pos, end - pos);
        if (std::size_t colon = line.find(':'); colon != std::string::npos) {
            std::size_t v = line.find_first_not_of(' ', colon + 1);
            r.headers.emplace_back(line.substr(0, colon), v == std::string::npos ? "" : line.substr(v));
        }
        pos = end + 2;
    }
    r.head = std::move(head);
    return r;
}

int loopback_socket(sockaddr_in& a) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket");
    a = sockaddr_in{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        throw std::runtime_error("bind");
    }
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    return fd;
}

}  // namespace

std::string SeenRequest::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (same_name(k, name)) return v;
    return {};
}

Reply reply(int status, std::string body, HeaderList headers) {
    Reply r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

Reply drop_connection() {
    Reply r;
    r.drop = true;
    return r;
}

HttpTestServer::HttpTestServer(Handler handler, std::string unix_path)
    : handler_(std::move(handler)), unix_path_(std::move(unix_path)) {
    if (unix_path_.empty()) {
        sockaddr_in a{};
        fd_ = loopback_socket(a);
        port_ = ntohs(a.sin_port);
    } else {
        ::unlink(unix_path_.c_str());
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strncpy(a.sun_path, unix_path_.c_str(), sizeof a.sun_path - 1);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(fd_);
            throw std::runtime_error("bind " + unix_path_);
        }
    }
    if (::listen(fd_, 16) != 0) {
        ::close(fd_);
        throw std::runtime_error("listen");
    }
    thread_ = std::thread([this] { run(); });
}

HttpTestServer::HttpTestServer(std::vector<Reply> script)
    : HttpTestServer([this, script = std::move(script)](const SeenRequest&) {
          // seen_ already holds this request (serve() records it before asking the handler).
          std::size_t n = seen().size();
          return script[std::min(n - 1, script.size() - 1)];
      }) {}

HttpTestServer::~HttpTestServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
    if (!unix_path_.empty()) ::unlink(unix_path_.c_str());
}

std::string HttpTestServer::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string HttpTestServer::url(const std::string& path) const { return endpoint() + path; }

std::vector<SeenRequest> HttpTestServer::seen() const {
    std::lock_guard lock(mu_);
    return seen_;
}

bool HttpTestServer::sleep_unless_stopped(std::chrono::milliseconds d) {
    auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until) {
        if (stop_) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

// Answers every complete request buffered on c; false when the connection is to close.
bool HttpTestServer::serve(Conn& c) {
    for (;;) {
        auto end = c.in.find("\r\n\r\n");
        if (end == std::string::npos) return true;
        SeenRequest r = parse_head(c.in.substr(0, end));
        std::size_t body_len = std::strtoul(r.header("Content-Length").c_str(), nullptr, 10);
        if (c.in.size() < end + 4 + body_len) return true;
        r.body = c.in.substr(end + 4, body_len);
        c.in.erase(0, end + 4 + body_len);
        {
            std::lock_guard lock(mu_);
            seen_.push_back(r);
        }
        Reply reply = handler_(r);
        if (reply.drop) return false;
        if (!sleep_unless_stopped(reply.delay)) return false;
        std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\n";
        for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
        if (reply.close_after) out += "Connection: close\r\n";
        if (reply.chunks.empty()) {
            if (r.method != "HEAD" || reply.body.empty())
                out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
            out += "\r\n";
            if (r.method != "HEAD") out += reply.body;
            write_all(c.fd, out);
        } else {
            out += "Transfer-Encoding: chunked\r\n\r\n";
            write_all(c.fd, out);
            for (const auto& chunk : reply.chunks) {
                char size[32];
                std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
                write_all(c.fd, size + chunk + "\r\n");
                if (!sleep_unless_stopped(reply.chunk_gap)) return false;
            }
            write_all(c.fd, "0\r\n\r\n");
        }
        if (reply.close_after) return false;
    }
}

void HttpTestServer::run() {
    std::vector<Conn> conns;
    while (!stop_) {
        std::vector<pollfd> fds{{fd_, POLLIN, 0}};
        for (const auto& c : conns) fds.push_back({c.fd, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), 10) <= 0) continue;
        if (fds[0].revents & POLLIN) {
            int cfd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (cfd >= 0) {
                ++accepted_;
                conns.push_back({cfd, {}});
            }
        }
        for (std::size_t i = 1; i < fds.size(); ++i) {
            if (!fds[i].revents) continue;
            Conn& c = conns[i - 1];
            char buf[4096];
            ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
            bool keep = n > 0;
            if (keep) {
                c.in.append(buf, static_cast<std::size_t>(n));
                keep = serve(c);
            }
            if (!keep) {
                ::close(c.fd);
                c.fd = -1;
            }
        }
        std::erase_if(conns, [](const Conn& c) { return c.fd < 0; });
    }
    for (auto& c : conns) ::close(c.fd);
}

ClosedPort::ClosedPort() {
    sockaddr_in a{};
    fd_ = loopback_socket(a);
    port_ = ntohs(a.sin_port);
}

ClosedPort::~ClosedPort() { ::close(fd_); }

int unused_port() {
    sockaddr_in a{};
    int fd = loopback_socket(a);
    ::close(fd);
    return ntohs(a.sin_port);
}

}  // namespace devenv::test

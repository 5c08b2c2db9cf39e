#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1:0 (or a unix socket) in a thread of the test itself, so
// the client is tested against real sockets: it answers each request with what the test's
// handler returns and counts accepted connections (to prove keep-alive reuse).
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace devenv::net_test {

struct SeenRequest {
    std::string method;
    std::string target;
    std::string head;  // request line and headers as received
    std::string body;
};

struct Reply {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds delay{0};  // before answering (for timeouts)
    std::vector<std::string> chunks;     // when set: a chunked body, one write per chunk
    std::chrono::milliseconds chunk_gap{0};
    bool close_after = false;
};

class LocalHttpServer {
public:
    using Handler = std::function<Reply(const SeenRequest&)>;

    // unix_path empty: TCP on 127.0.0.1 with a kernel-chosen port.
    explicit LocalHttpServer(Handler handler, std::string unix_path = {})
        : handler_(std::move(handler)), unix_path_(std::move(unix_path)) {
        if (unix_path_.empty()) {
            fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind");
            socklen_t len = sizeof a;
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
            port_ = ntohs(a.sin_port);
        } else {
            ::unlink(unix_path_.c_str());
            fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_un a{};
            a.sun_family = AF_UNIX;
            std::strncpy(a.sun_path, unix_path_.c_str(), sizeof a.sun_path - 1);
            if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind");
        }
        ::listen(fd_, 16);
        thread_ = std::thread([this] { run(); });
    }

    ~LocalHttpServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
        if (!unix_path_.empty()) ::unlink(unix_path_.c_str());
    }

    LocalHttpServer(const LocalHttpServer&) = delete;
    LocalHttpServer& operator=(const LocalHttpServer&) = delete;

    int port() const { return port_; }
    std::string url(const std::string& path = "/") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    int accepted() const { return accepted_; }
    std::vector<SeenRequest> seen() const {
        std::lock_guard lock(mu_);
        return seen_;
    }

private:
    struct Conn {
        int fd;
        std::string in;
    };

    bool sleep_unless_stopped(std::chrono::milliseconds d) {
        auto until = std::chrono::steady_clock::now() + d;
        while (std::chrono::steady_clock::now() < until) {
            if (stop_) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return true;
    }

    static void write_all(int fd, const std::string& s) {
        std::size_t off = 0;
        while (off < s.size()) {
            ssize_t w = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
            if (w <= 0) return;
            off += static_cast<std::size_t>(w);
        }
    }

    // Answers every complete request buffered on c; false when the connection is to close.
    bool serve(Conn& c) {
        while (true) {
            auto end = c.in.find("\r\n\r\n");
            if (end == std::string::npos) return true;
            SeenRequest r;
            r.head = c.in.substr(0, end);
            std::size_t body_len = 0;
            auto cl = r.head.find("Content-Length: ");
            if (cl == std::string::npos) cl = r.head.find("content-length: ");
            if (cl != std::string::npos) body_len = std::stoul(r.head.substr(cl + 16));
            if (c.in.size() < end + 4 + body_len) return true;
            r.body = c.in.substr(end + 4, body_len);
            c.in.erase(0, end + 4 + body_len);
            auto sp1 = r.head.find(' ');
            auto sp2 = r.head.find(' ', sp1 + 1);
            r.method = r.head.substr(0, sp1);
            r.target = r.head.substr(sp1 + 1, sp2 - sp1 - 1);
            {
                std::lock_guard lock(mu_);
                seen_.push_back(r);
            }
            Reply reply = handler_(r);
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

    void run() {
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

    Handler handler_;
    std::string unix_path_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0};
    mutable std::mutex mu_;
    std::vector<SeenRequest> seen_;
    std::thread thread_;
};

}  // namespace devenv::net_test

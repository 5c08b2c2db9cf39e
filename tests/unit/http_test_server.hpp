#pragma once
// The unit tests' one in-process HTTP/1.1 server: it listens on 127.0.0.1 with a kernel-chosen
// port (or on a unix socket) in a thread of the test itself, so clients are tested against real
// sockets. It answers each request with what the test's handler returns, or from a script in
// order (the last entry repeating); it records every request and counts accepted connections
// (to prove keep-alive reuse). Replies can be delayed, chunked, close the connection, or drop
// it unanswered.
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace devenv::test {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SeenRequest {
    std::string method;
    std::string target;  // path?query as sent
    std::string head;    // request line and headers as received
    HeaderList headers;
    std::string body;

    std::string path() const { return target.substr(0, target.find('?')); }
    // A request header's value (the name in any case); "" when absent.
    std::string header(std::string_view name) const;
};

struct Reply {
    int status = 200;
    HeaderList headers;
    std::string body;
    std::chrono::milliseconds delay{0};  // before answering (for timeouts)
    std::vector<std::string> chunks;     // when set: a chunked body, one write per chunk
    std::chrono::milliseconds chunk_gap{0};
    bool close_after = false;  // answer with Connection: close, then close
    bool drop = false;         // read the request, then close without answering
};

Reply reply(int status, std::string body = {}, HeaderList headers = {});
Reply drop_connection();

class HttpTestServer {
public:
    using Handler = std::function<Reply(const SeenRequest&)>;

    // unix_path empty: TCP on 127.0.0.1 with a kernel-chosen port.
    explicit HttpTestServer(Handler handler, std::string unix_path = {});
    // The replies in order, the last one repeating.
    explicit HttpTestServer(std::vector<Reply> script);
    ~HttpTestServer();
    HttpTestServer(const HttpTestServer&) = delete;
    HttpTestServer& operator=(const HttpTestServer&) = delete;

    int port() const { return port_; }
    std::string endpoint() const;                           // "http://127.0.0.1:PORT"
    std::string url(const std::string& path = "/") const;  // endpoint() + path
    int accepted() const { return accepted_; }
    std::vector<SeenRequest> seen() const;

private:
    struct Conn {
        int fd;
        std::string in;
    };
    bool serve(Conn& c);
    void run();
    bool sleep_unless_stopped(std::chrono::milliseconds d);

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

// A TCP port on 127.0.0.1 that refuses connections: bound (so nothing else takes it meanwhile)
// but never listening, for as long as the object lives.
class ClosedPort {
public:
    ClosedPort();
    ~ClosedPort();
    ClosedPort(const ClosedPort&) = delete;
    ClosedPort& operator=(const ClosedPort&) = delete;
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

// A port nothing listens on now: bound, then closed (the kernel does not hand it out again at
// once). For a port the code under test is to find free.
int unused_port();

}  // namespace devenv::test

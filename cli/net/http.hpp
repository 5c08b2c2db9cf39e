#pragma once
// One HTTP client over libcurl: kept-alive connections (one client per thread), TCP or a unix
// socket (the Docker Engine API). Transport failures are returned, not thrown, because probes
// poll and need the reason as data.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace devenv {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method = "GET";
    std::string url;  // "http://localhost:4566/"; for a unix socket, "http://localhost/v1.41/..."
    Headers headers;
    std::string body;
    // When set, the body is this file, read as it is sent (never held in memory); `body` is
    // then ignored. Content-Length is the file's size at send time.
    std::string body_file;
    std::chrono::milliseconds timeout{5000};          // whole request
    std::chrono::milliseconds connect_timeout{2000};
    // Long streams (an image pull): the transfer is abandoned when *cancel becomes true (looked
    // at about once a second, also while nothing arrives; the error is then "cancelled"), or
    // when less than one byte a second arrives for stall_timeout (0: never).
    const std::atomic<bool>* cancel = nullptr;
    std::chrono::seconds stall_timeout{0};
};

struct HttpResponse {
    long status = 0;       // 0 when the transport failed
    Headers headers;       // names as received
    std::string body;
    std::string error;     // transport error text when status == 0
    std::chrono::microseconds elapsed{0};

    bool ok() const { return status != 0; }
    // Case-insensitive lookup; "" when absent.
    std::string header(std::string_view name) const;
};

class HttpClient {
public:
    // unix_socket: path of a unix domain socket to connect through (empty = TCP).
    explicit HttpClient(std::string unix_socket = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;

    HttpResponse send(const HttpRequest& req);

    // Streams the body to on_data as it arrives (for `logs -f`); return false from on_data to
    // stop. The returned response has an empty body.
    HttpResponse stream(const HttpRequest& req, const std::function<bool(std::string_view)>& on_data);

private:
    struct Impl;
    Impl* impl_;
};

// One header line as libcurl hands it over ("Name: value\r\n"): appended to `headers`; a status
// line ("HTTP/1.1 200 OK", a new response after 100-continue or a redirect) starts them afresh.
// The status code itself is libcurl's (CURLINFO_RESPONSE_CODE): devenv parses no status line.
void read_header_line(Headers& headers, std::string_view line);

// Percent-encodes everything but RFC 3986's unreserved characters (for query values).
std::string url_encode(std::string_view text);

// Loads libcurl (its chain of about 25 shared libraries) and initialises it and OpenSSL on a
// thread of its own, at once, so a command that will talk to the engine does that while it
// reads its profile instead of after. The first HttpClient waits for it if it is not done. The
// thread is joined when the process exits. Once per process; later calls do nothing.
void start_http_init_in_background();

}  // namespace devenv

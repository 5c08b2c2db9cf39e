#include "net/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace devenv {

namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
    std::string* body = nullptr;
    const std::function<bool(std::string_view)>* stream = nullptr;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    size_t len = size * n;
    if (sink->stream) return (*sink->stream)(std::string_view(data, len)) ? len : 0;
    sink->body->append(data, len);
    return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* headers = static_cast<Headers*>(user);
    size_t len = size * n;
    std::string_view line(data, len);
    if (line.starts_with("HTTP/")) {
        headers->clear();  // a new response (after 100-continue or a redirect)
        return len;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return len;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
    headers->emplace_back(std::string(line.substr(0, colon)), std::string(value));
    return len;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (k.size() == name.size() &&
            std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return v;
    }
    return {};
}

struct HttpClient::Impl {
    CURL* curl = nullptr;
    std::string unix_socket;
};

HttpClient::HttpClient(std::string unix_socket) : impl_(new Impl) {
    global_init();
    impl_->curl = curl_easy_init();
    impl_->unix_socket = std::move(unix_socket);
}

HttpClient::~HttpClient() {
    if (impl_) {
        if (impl_->curl) curl_easy_cleanup(impl_->curl);
        delete impl_;
    }
}

HttpClient::HttpClient(HttpClient&& o) noexcept : impl_(o.impl_) { o.impl_ = nullptr; }

HttpClient& HttpClient::operator=(HttpClient&& o) noexcept {
    if (this != &o) {
        this->~HttpClient();
        impl_ = o.impl_;
        o.impl_ = nullptr;
    }
    return *this;
}

namespace {

HttpResponse perform(CURL* curl, const std::string& unix_socket, const HttpRequest& req, Sink& sink) {
    HttpResponse resp;
    // The handle is reused (that is what keeps connections alive); options are set afresh.
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, req.url.c_str());
    if (!unix_socket.empty()) curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, unix_socket.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &resp.headers);
    if (req.method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else if (req.method == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
    if (!req.body.empty() || req.method == "POST" || req.method == "PUT") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    }
    curl_slist* list = nullptr;
    bool has_expect = false;
    for (const auto& [k, v] : req.headers) {
        list = curl_slist_append(list, (k + ": " + v).c_str());
        if (k == "Expect") has_expect = true;
    }
    // libcurl would otherwise send "Expect: 100-continue" for larger bodies and wait for it.
    if (!has_expect) list = curl_slist_append(list, "Expect:");
    // Keep libcurl from adding a Content-Type the request did not ask for (it would be signed
    // by nobody and confuse SigV4-checking servers).
    bool has_ct = false;
    for (const auto& [k, v] : req.headers) has_ct = has_ct || k == "Content-Type" || k == "content-type";
    if (!has_ct && !req.body.empty()) list = curl_slist_append(list, "Content-Type:");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);

    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(list);
    curl_off_t total = 0;
    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &total);
    resp.elapsed = std::chrono::microseconds(total);
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && sink.stream)) {
        resp.status = 0;
        resp.error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        return resp;
    }
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    resp.status = code;
    return resp;
}

}  // namespace

HttpResponse HttpClient::send(const HttpRequest& req) {
    std::string body;
    Sink sink{&body, nullptr};
    HttpResponse r = perform(impl_->curl, impl_->unix_socket, req, sink);
    r.body = std::move(body);
    return r;
}

HttpResponse HttpClient::stream(const HttpRequest& req, const std::function<bool(std::string_view)>& on_data) {
    Sink sink{nullptr, &on_data};
    return perform(impl_->curl, impl_->unix_socket, req, sink);
}

}  // namespace devenv

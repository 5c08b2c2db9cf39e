#include "net/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "util/strings.hpp"

namespace devenv {

namespace {

// curl_global_init is not thread-safe and must run before any handle exists; clients are
// created on several threads (one per probe/seeder), so the first one does it, once.
void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The background initialisation's thread, joined at exit (a static's destructor) so the process
// never ends while it is inside the loader or OpenSSL.
struct BackgroundInit {
    std::thread thread;
    ~BackgroundInit() {
        if (thread.joinable()) thread.join();
    }
};

bool has_header(const Headers& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); });
}

struct Sink {
    std::string* body = nullptr;
    const std::function<bool(std::string_view)>* stream = nullptr;
    bool stopped = false;  // the stream callback asked to stop: not a transport failure
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    size_t len = size * n;
    if (sink->stream) {
        if ((*sink->stream)(std::string_view(data, len))) return len;
        sink->stopped = true;
        return 0;
    }
    sink->body->append(data, len);
    return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    size_t len = size * n;
    read_header_line(*static_cast<Headers*>(user), std::string_view(data, len));
    return len;
}

size_t on_read(char* buffer, size_t size, size_t n, void* user) {
    auto* file = static_cast<std::FILE*>(user);
    size_t got = std::fread(buffer, 1, size * n, file);
    if (got == 0 && std::ferror(file)) return CURL_READFUNC_ABORT;
    return got;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* cancel = static_cast<const std::atomic<bool>*>(user);
    return cancel->load() ? 1 : 0;  // non-zero aborts the transfer
}

struct FileClose {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

struct SlistFree {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

void read_header_line(Headers& headers, std::string_view line) {
    if (line.starts_with("HTTP/")) {
        headers.clear();  // a new response (after 100-continue or a redirect)
        return;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
}

std::string HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return {};
}

struct HttpClient::Impl {
    CURL* curl = nullptr;
    std::string unix_socket;

    HttpResponse perform(const HttpRequest& req, Sink& sink);
};

HttpClient::HttpClient(std::string unix_socket) : impl_(new Impl) {
    global_init();
    impl_->curl = curl_easy_init();
    impl_->unix_socket = std::move(unix_socket);
}

HttpClient::~HttpClient() {
    if (impl_ && impl_->curl) curl_easy_cleanup(impl_->curl);
    delete impl_;
}

HttpClient::HttpClient(HttpClient&& o) noexcept : impl_(std::exchange(o.impl_, nullptr)) {}

HttpClient& HttpClient::operator=(HttpClient&& o) noexcept {
    std::swap(impl_, o.impl_);  // o's destructor frees what we held
    return *this;
}

HttpResponse HttpClient::Impl::perform(const HttpRequest& req, Sink& sink) {
    HttpResponse resp;
    if (!curl) {
        resp.error = "libcurl could not create a handle";
        return resp;
    }
    // The one handle is reused because its connection cache is what keeps connections alive;
    // a reset clears the previous request's options but not that cache.
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, req.url.c_str());
    // The path goes out exactly as the caller built it: libcurl would otherwise drop "./" and
    // "../" segments, which S3 keys may hold and SigV4 signs as they are.
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
    if (!unix_socket.empty()) {
        curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, unix_socket.c_str());
        // An http_proxy meant for the outside world must not capture the engine's socket.
        curl_easy_setopt(curl, CURLOPT_PROXY, "");
    }
    // Signals would interrupt the caller's threads; the threaded resolver needs none.
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    if (req.cancel) {
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(req.cancel));
    }
    if (req.stall_timeout.count() > 0) {
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(req.stall_timeout.count()));
    }
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
    std::unique_ptr<std::FILE, FileClose> upload;
    if (!req.body_file.empty()) {
        upload.reset(std::fopen(req.body_file.c_str(), "rb"));
        std::error_code ec;
        auto size = std::filesystem::file_size(req.body_file, ec);
        if (!upload || ec) {
            resp.error = fmt::format("cannot read {}: {}", req.body_file,
                                     ec ? ec.message() : std::string(std::strerror(errno)));
            return resp;
        }
        // UPLOAD turns the method into PUT; CUSTOMREQUEST above keeps the one asked for.
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(curl, CURLOPT_READDATA, upload.get());
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
    } else if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    }
    curl_slist* raw = nullptr;
    for (const auto& [k, v] : req.headers) raw = curl_slist_append(raw, (k + ": " + v).c_str());
    // libcurl would otherwise send "Expect: 100-continue" for larger bodies and wait up to 1 s.
    if (!has_header(req.headers, "Expect")) raw = curl_slist_append(raw, "Expect:");
    // Nor may it add a form Content-Type nobody asked for: SigV4-checking servers see it.
    if ((!req.body.empty() || !req.body_file.empty()) && !has_header(req.headers, "Content-Type"))
        raw = curl_slist_append(raw, "Content-Type:");
    std::unique_ptr<curl_slist, SlistFree> list(raw);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list.get());
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);

    CURLcode rc = curl_easy_perform(curl);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);  // errbuf dies with this frame
    curl_off_t total = 0;
    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &total);
    resp.elapsed = std::chrono::microseconds(total);
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && sink.stopped)) {
        resp.error = rc == CURLE_ABORTED_BY_CALLBACK ? std::string("cancelled") : errbuf[0] ? errbuf : curl_easy_strerror(rc);
        resp.headers.clear();
        return resp;
    }
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    resp.status = code;
    return resp;
}

void start_http_init_in_background() {
    static BackgroundInit init;
    static std::once_flag once;
    std::call_once(once, [] {
        try {
            init.thread = std::thread([] { global_init(); });
        } catch (const std::system_error&) {
            // No thread to be had: the first client initialises, as without this call.
        }
    });
}

std::string url_encode(std::string_view text) {
    // curl_easy_escape takes length 0 to mean "use strlen": an empty view would be read past
    // its end (ASan, fuzz_http_headers).
    if (text.empty()) return {};
    global_init();
    // The handle argument is unused since libcurl 7.82.
    char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
    if (!escaped) return {};
    std::string out(escaped);
    curl_free(escaped);
    return out;
}

HttpResponse HttpClient::send(const HttpRequest& req) {
    std::string body;
    Sink sink{&body, nullptr};
    HttpResponse r = impl_->perform(req, sink);
    if (r.ok()) r.body = std::move(body);
    return r;
}

HttpResponse HttpClient::stream(const HttpRequest& req, const std::function<bool(std::string_view)>& on_data) {
    Sink sink{nullptr, &on_data};
    return impl_->perform(req, sink);
}

}  // namespace devenv

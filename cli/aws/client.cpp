#include "aws/client.hpp"

#include <array>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "aws/xml.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace devenv {

namespace {

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

// Connections the server dropped (a restart, a keep-alive race) deserve another try; a refused
// connection or a timeout does not: the caller's own wait loop owns that decision.
bool is_dropped_connection(std::string_view error) {
    std::string e = lowercase(error);
    for (std::string_view hint : {"reset", "recv failure", "send failure", "empty reply", "broken pipe",
                                  "receiving data", "sending data", "server returned nothing"})
        if (contains(e, hint)) return true;
    return false;
}

bool is_throttling(std::string_view code) {
    static constexpr std::array<std::string_view, 10> codes{
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
        "RequestThrottled", "SlowDown", "PriorRequestNotComplete"};
    for (auto c : codes)
        if (c == code) return true;
    return false;
}

bool retryable(const AwsResult& r) {
    if (r.status == 0) return is_dropped_connection(r.message);
    return r.status >= 500 || r.status == 429 || is_throttling(r.code);
}

AwsResult to_result(HttpResponse&& resp) {
    AwsResult r;
    r.status = resp.status;
    r.headers = std::move(resp.headers);
    r.body = std::move(resp.body);
    if (r.status == 0)
        r.message = resp.error.empty() ? std::string("no response") : std::move(resp.error);
    else if (!r.ok())
        read_aws_error(r);
    return r;
}

const AwsService& service_or_throw(std::string_view name) {
    const AwsService* s = find_aws_service(name);
    if (!s) throw Error(ErrorKind::internal, fmt::format("unknown AWS service '{}'", name));
    return *s;
}

}  // namespace

AwsClient::AwsClient(AwsConfig config)
    : config_(std::move(config)), owned_(std::make_unique<HttpClient>()), http_(owned_.get()) {
    parse_endpoint();
}

AwsClient::AwsClient(AwsConfig config, HttpClient& http) : config_(std::move(config)), http_(&http) {
    parse_endpoint();
}

void AwsClient::parse_endpoint() {
    std::string_view ep = config_.endpoint;
    auto scheme_end = ep.find("://");
    if (scheme_end == std::string_view::npos || scheme_end + 3 >= ep.size())
        throw Error(ErrorKind::profile,
                    fmt::format("AWS endpoint must look like http://host:port, not '{}'", ep));
    auto authority_end = ep.find('/', scheme_end + 3);
    std::string_view rest = authority_end == std::string_view::npos ? "" : ep.substr(authority_end);
    if (!rest.empty() && rest != "/")
        throw Error(ErrorKind::profile,
                    fmt::format("AWS endpoint must not carry a path ('{}'): {}", rest, ep));
    base_url_ = std::string(ep.substr(0, authority_end));
    host_ = std::string(ep.substr(scheme_end + 3, authority_end - scheme_end - 3));
}

AwsClient::~AwsClient() = default;
AwsClient::AwsClient(AwsClient&&) noexcept = default;
AwsClient& AwsClient::operator=(AwsClient&&) noexcept = default;

AwsResult AwsClient::call_json(std::string_view service, std::string_view operation,
                               const nlohmann::json& input) {
    const AwsService& s = service_or_throw(service);
    if (s.json_target.empty())
        throw Error(ErrorKind::internal, fmt::format("{} does not speak the JSON protocol", service));
    Headers headers{{"Content-Type", fmt::format("application/x-amz-json-{}", s.json_version)},
                    {"X-Amz-Target", fmt::format("{}.{}", s.json_target, operation)}};
    return send(service, "POST", "/", {}, std::move(headers), input.dump(), false);
}

AwsResult AwsClient::call_query(std::string_view service, std::string_view action,
                                const QueryParams& params) {
    const AwsService& s = service_or_throw(service);
    if (s.query_version.empty())
        throw Error(ErrorKind::internal, fmt::format("{} does not speak the query protocol", service));
    std::string body = fmt::format("Action={}&Version={}", sigv4::uri_encode(action), s.query_version);
    for (const auto& [k, v] : params) body += fmt::format("&{}={}", sigv4::uri_encode(k), sigv4::uri_encode(v));
    Headers headers{{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    return send(service, "POST", "/", {}, std::move(headers), std::move(body), false);
}

AwsResult AwsClient::call_rest(std::string_view service, std::string_view method, std::string_view path,
                               std::string_view query, std::string body, Headers headers) {
    return send(service, method, path, query, std::move(headers), std::move(body), service == "s3");
}

namespace {
// Path-style: each byte of the key but '/' percent-encoded once, exactly as S3 signs it.
std::string s3_path(std::string_view bucket, std::string_view key) {
    std::string path = "/";
    if (!bucket.empty()) {
        path += sigv4::uri_encode(bucket);
        if (!key.empty()) path += "/" + sigv4::uri_encode(key, false);
    }
    return path;
}
}  // namespace

AwsResult AwsClient::s3(std::string_view method, std::string_view bucket, std::string_view key,
                        std::string_view query, std::string body, Headers headers) {
    return send("s3", method, s3_path(bucket, key), query, std::move(headers), std::move(body), true);
}

AwsResult AwsClient::s3_put_file(std::string_view bucket, std::string_view key, const FileBody& file, Headers headers) {
    return send("s3", "PUT", s3_path(bucket, key), {}, std::move(headers), {}, true, &file);
}

AwsResult AwsClient::send(std::string_view service, std::string_view method, std::string_view path,
                          std::string_view query, Headers headers, std::string body, bool is_s3,
                          const FileBody* file) {
    headers.emplace_back("Host", host_);
    sigv4::Options opt;
    opt.region = config_.region;
    opt.service = std::string(service);
    opt.normalize_path = opt.encode_path = !is_s3;
    opt.add_content_sha256 = is_s3;
    const std::string payload_hash = file ? file->sha256_hex : sha256_hex(body);

    HttpRequest req;
    req.method = std::string(method);
    req.url = base_url_ + std::string(path) + (query.empty() ? "" : "?" + std::string(query));
    req.body = std::move(body);
    req.timeout = config_.timeout;
    if (file) {
        req.body_file = file->path;
        // A large upload may take longer than an API call: one more second per MiB.
        req.timeout += std::chrono::milliseconds(file->size / 1024);
    }
    req.connect_timeout = config_.connect_timeout;

    auto backoff = config_.first_backoff;
    for (int attempt = 1;; ++attempt) {
        // Signed per attempt so a retry after a long backoff still carries a fresh date.
        opt.time = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        sigv4::Request sreq{method, path, query, headers, req.body, payload_hash};
        sigv4::Signed sig = sigv4::sign(sreq, config_.credentials, opt);
        req.headers = headers;
        req.headers.insert(req.headers.end(), sig.headers_to_add.begin(), sig.headers_to_add.end());

        AwsResult r = to_result(http_->send(req));
        r.attempts = attempt;
        if (r.ok() || attempt >= config_.max_attempts || !retryable(r)) return r;
        // Full jitter (between half the backoff and all of it): parallel workers that were
        // throttled together do not come back together.
        thread_local std::minstd_rand rng{std::random_device{}()};
        auto half = backoff.count() / 2;
        std::this_thread::sleep_for(std::chrono::milliseconds(
            half + static_cast<long long>(rng() % static_cast<unsigned long>(std::max<long long>(1, backoff.count() - half + 1)))));
        backoff *= 2;
    }
}

}  // namespace devenv

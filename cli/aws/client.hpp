#pragma once
// A small AWS API client for LocalStack and moto: signs every call (SigV4), speaks the JSON,
// query and REST (S3) protocols, and retries only what a retry can fix (throttling, 5xx,
// dropped connections). Failures come back as data in AwsResult; callers decide what is fatal.
// One client per thread: it owns (or borrows) one kept-alive HttpClient.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/sigv4.hpp"
#include "net/http.hpp"

namespace devenv {

struct AwsConfig {
    std::string endpoint = "http://localhost:4566";  // scheme://host[:port]; no trailing path
    std::string region = "us-east-1";
    sigv4::Credentials credentials{"test", "test", ""};
    std::chrono::milliseconds timeout{10000};  // per HTTP attempt
    std::chrono::milliseconds connect_timeout{2000};
    int max_attempts = 4;                          // 1 = never retry
    std::chrono::milliseconds first_backoff{50};   // doubled after each retry
};

struct AwsResult {
    long status = 0;       // HTTP status; 0 = the transport failed (message says why)
    std::string code;      // AWS error code ("ResourceInUseException"); empty on success
    std::string message;   // AWS error message, or the transport error
    std::string body;      // raw JSON or XML
    Headers headers;
    int attempts = 0;

    bool ok() const { return status >= 200 && status < 300; }
    std::string header(std::string_view name) const;  // case-insensitive; "" when absent
    // The body as JSON ({} when empty). Throws Error(seed) when it is not JSON.
    nlohmann::json json() const;
    // One line for users and logs: "HTTP 400 ResourceInUseException: Table already exists".
    std::string describe() const;
};

// Fills code and message of a failed answer from its body (JSON {"__type", "message"} or XML
// <Code>, <Message>) or the x-amzn-ErrorType header; the code bare ("ResourceInUseException").
void read_aws_error(AwsResult& r);

// Wire facts about a service: the signing name moto routes by, and its protocol.
struct AwsService {
    std::string_view name;          // signing name: "dynamodb", "cognito-idp"
    std::string_view json_target;   // X-Amz-Target prefix; empty = not a JSON-protocol service
    std::string_view json_version;  // "1.0" or "1.1"
    std::string_view query_version; // Version= for the query protocol; empty = none
};
// nullptr when the name is not known.
const AwsService* find_aws_service(std::string_view name);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// A request body sent from a file as it is read (S3 uploads of seed folders): the caller hashed
// it already, so nothing holds the whole file in memory.
struct FileBody {
    std::string path;
    std::string sha256_hex;  // of the file's bytes: the signed payload hash
    std::uint64_t size = 0;
};

class AwsClient {
public:
    explicit AwsClient(AwsConfig config = {});
    // Borrows `http` (which must outlive the client), e.g. a probe's kept-alive connection.
    AwsClient(AwsConfig config, HttpClient& http);
    ~AwsClient();
    AwsClient(AwsClient&&) noexcept;
    AwsClient& operator=(AwsClient&&) noexcept;

    const AwsConfig& config() const { return config_; }

    // JSON protocol: POST / with X-Amz-Target "<prefix>.<operation>".
    AwsResult call_json(std::string_view service, std::string_view operation,
                        const nlohmann::json& input = nlohmann::json::object());
    // Query protocol: form-encoded POST with Action and Version; the result body is XML.
    AwsResult call_query(std::string_view service, std::string_view action,
                         const QueryParams& params = {});
    // Any REST call. `path` and `query` are sent as given (already percent-encoded).
    AwsResult call_rest(std::string_view service, std::string_view method, std::string_view path,
                        std::string_view query = {}, std::string body = {}, Headers headers = {});
    // S3, path-style (http://endpoint/bucket/key). `key` is raw and gets encoded here; an empty
    // bucket addresses the service (ListBuckets).
    AwsResult s3(std::string_view method, std::string_view bucket, std::string_view key = {},
                 std::string_view query = {}, std::string body = {}, Headers headers = {});

    // S3 PutObject with the body streamed from a file. The attempt's timeout grows with the size.
    AwsResult s3_put_file(std::string_view bucket, std::string_view key, const FileBody& file, Headers headers = {});

private:
    void parse_endpoint();
    AwsResult send(std::string_view service, std::string_view method, std::string_view path,
                   std::string_view query, Headers headers, std::string body, bool is_s3,
                   const FileBody* file = nullptr);

    AwsConfig config_;
    std::string base_url_;  // scheme://authority
    std::string host_;      // authority as sent in Host (and signed)
    std::unique_ptr<HttpClient> owned_;
    HttpClient* http_ = nullptr;
};

}  // namespace devenv

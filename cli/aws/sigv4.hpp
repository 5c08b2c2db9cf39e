#pragma once
// AWS Signature Version 4 as pure functions, so every step can be checked against the AWS test
// suite (../shared/testdata/aws-sigv4-test-suite/) and reused by any caller (header signing for
// API calls, presigned query strings for URLs handed to other tools).
#include <chrono>
#include <string>
#include <string_view>

#include "net/http.hpp"  // Headers

namespace devenv::sigv4 {

struct Credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // empty = none
};

inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";

// One request as it will go on the wire. Views must outlive the call.
struct Request {
    std::string_view method = "GET";
    std::string_view path = "/";   // as sent, percent-encoded as sent, without the query
    std::string_view query;        // as sent, without '?'; may be empty
    Headers headers;               // must hold host; names in any case; a name may repeat
    std::string_view body;
    std::string payload_hash;      // hex SHA-256 of the body or UNSIGNED-PAYLOAD; empty = hash body
};

struct Options {
    std::string region = "us-east-1";
    std::string service;
    std::chrono::sys_seconds time;
    // S3 signs the path exactly as sent; every other service normalises it and encodes it again.
    bool normalize_path = true;
    bool encode_path = true;
    bool add_content_sha256 = false;  // send and sign x-amz-content-sha256 (S3 requires it)
    // Some STS flows add the token after signing; the suite's post-sts-header-after case.
    bool sign_session_token = true;
};

struct CanonicalHeaders {
    std::string text;            // "name:value\n" per header, sorted by name
    std::string signed_headers;  // "host;x-amz-date"
};

struct Signed {
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;       // lowercase hex
    std::string authorization;   // the Authorization header value
    Headers headers_to_add;      // x-amz-date, [x-amz-content-sha256], [x-amz-security-token],
                                 // authorization: add these to the request as sent
};

struct Presigned {
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;
    std::string query;  // the full query string to send (the request's own parameters first)
};

// Building blocks (the hashes are util/digest.hpp's).
// RFC 3986 unreserved characters stay, everything else becomes %XX (uppercase).
std::string uri_encode(std::string_view s, bool encode_slash = true);
std::string percent_decode(std::string_view s);
// Removes "." and ".." segments and empty segments ("//"); keeps a trailing slash.
std::string normalize_path(std::string_view path);
std::string canonical_uri(std::string_view path, const Options& opt);
// Decodes then re-encodes each name and value, sorts by name then value.
std::string canonical_query(std::string_view query);
// Lower-cases names, trims values and folds inner whitespace runs to one space, joins repeated
// names with ',' in the order given.
CanonicalHeaders canonical_headers(const Headers& headers);
std::string canonical_request(std::string_view method, std::string_view canonical_uri,
                              std::string_view canonical_query, const CanonicalHeaders& headers,
                              std::string_view payload_hash);
std::string amz_date(std::chrono::sys_seconds t);  // 20150830T123600Z
std::string credential_scope(std::chrono::sys_seconds t, std::string_view region,
                             std::string_view service);  // 20150830/us-east-1/sqs/aws4_request
std::string string_to_sign(std::chrono::sys_seconds t, std::string_view scope,
                           std::string_view canonical_request);
std::string signing_key(std::string_view secret, std::chrono::sys_seconds t,
                        std::string_view region, std::string_view service);  // raw bytes
std::string signature(std::string_view signing_key, std::string_view string_to_sign);

// Signs with the Authorization header.
Signed sign(const Request& req, const Credentials& creds, const Options& opt);
// Signs into the query string (a presigned URL), valid for `expires`.
Presigned presign(const Request& req, const Credentials& creds, const Options& opt,
                  std::chrono::seconds expires);

}  // namespace devenv::sigv4

#pragma once
// Hashes devenv computes itself (state fingerprints, AWS Signature V4, S3 payload hashes and
// ETags, PostgreSQL password checks), all through OpenSSL's EVP interface, and their text forms. Failures of OpenSSL throw
// Error(internal).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace devenv {

// Lowercase hex of raw bytes: "\x01\xab" -> "01ab".
std::string hex(std::string_view bytes);
// Standard base64 with padding (Content-MD5).
std::string base64(std::string_view bytes);
// The bytes of standard or URL-safe base64 (padding optional, whitespace ignored); nullopt when
// `text` is not base64 (the `auth` entries of ~/.docker/config.json).
std::optional<std::string> base64_decode(std::string_view text);
// URL-safe base64 with padding, as Docker's X-Registry-Auth header carries it.
std::string base64_url(std::string_view bytes);

std::string md5(std::string_view data);         // raw 16 bytes (S3 ETags, Content-MD5, PostgreSQL md5)
std::string sha256(std::string_view data);      // raw 32 bytes
std::string sha256_hex(std::string_view data);  // 64 lowercase hex digits
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes

// A digest fed in pieces (a file read in chunks): update() as often as needed, then finish()
// once for the raw bytes.
class StreamingDigest {
public:
    enum class Algorithm { md5, sha256 };
    explicit StreamingDigest(Algorithm algorithm);
    ~StreamingDigest();
    StreamingDigest(const StreamingDigest&) = delete;
    StreamingDigest& operator=(const StreamingDigest&) = delete;

    void update(std::string_view data);
    std::string finish();  // raw bytes (16 for MD5, 32 for SHA-256)

private:
    struct Context;
    std::unique_ptr<Context> ctx_;
};

}  // namespace devenv

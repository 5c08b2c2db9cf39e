#include "util/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/error.hpp"

namespace devenv {

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char ch : bytes) {
        auto c = static_cast<unsigned char>(ch);
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0x0f]);
    }
    return out;
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string base64_url(std::string_view bytes) {
    std::string out = base64(bytes);
    for (char& c : out) {
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::string clean;
    clean.reserve(text.size());
    for (char c : text) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
        if (!ok) return std::nullopt;
        clean += c;
    }
    while (!clean.empty() && clean.back() == '=') clean.pop_back();
    if (clean.find('=') != std::string::npos || clean.size() % 4 == 1) return std::nullopt;
    std::size_t pad = (4 - clean.size() % 4) % 4;
    clean.append(pad, '=');
    std::string out(3 * clean.size() / 4, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(clean.data()),
                            static_cast<int>(clean.size()));
    if (n < 0) return std::nullopt;
    out.resize(static_cast<std::size_t>(n) - pad);  // EVP_DecodeBlock counts the padding as zero bytes
    return out;
}

namespace {

std::string digest(std::string_view data, const EVP_MD* type, const char* name) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, type, nullptr) != 1)
        throw Error(ErrorKind::internal, std::string(name) + " failed (OpenSSL)");
    return std::string(reinterpret_cast<const char*>(md), len);
}

}  // namespace

std::string md5(std::string_view data) { return digest(data, EVP_md5(), "MD5"); }

std::string sha256(std::string_view data) { return digest(data, EVP_sha256(), "SHA-256"); }

std::string sha256_hex(std::string_view data) { return hex(sha256(data)); }

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len))
        throw Error(ErrorKind::internal, "HMAC-SHA256 failed (OpenSSL)");
    return std::string(reinterpret_cast<const char*>(md), len);
}

struct StreamingDigest::Context {
    EVP_MD_CTX* md = nullptr;
};

StreamingDigest::StreamingDigest(Algorithm algorithm) : ctx_(std::make_unique<Context>()) {
    ctx_->md = EVP_MD_CTX_new();
    const EVP_MD* type = algorithm == Algorithm::md5 ? EVP_md5() : EVP_sha256();
    if (!ctx_->md || EVP_DigestInit_ex(ctx_->md, type, nullptr) != 1) {
        EVP_MD_CTX_free(ctx_->md);
        throw Error(ErrorKind::internal, algorithm == Algorithm::md5 ? "MD5 failed (OpenSSL)" : "SHA-256 failed (OpenSSL)");
    }
}

StreamingDigest::~StreamingDigest() { EVP_MD_CTX_free(ctx_->md); }

void StreamingDigest::update(std::string_view data) {
    if (EVP_DigestUpdate(ctx_->md, data.data(), data.size()) != 1)
        throw Error(ErrorKind::internal, "digest update failed (OpenSSL)");
}

std::string StreamingDigest::finish() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_->md, md, &len) != 1) throw Error(ErrorKind::internal, "digest failed (OpenSSL)");
    return std::string(reinterpret_cast<const char*>(md), len);
}

}  // namespace devenv

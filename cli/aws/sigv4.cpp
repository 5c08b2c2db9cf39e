#include "aws/sigv4.hpp"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace devenv::sigv4 {

namespace {

constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";

bool is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Trims and folds every inner whitespace run (including folded continuation lines) to one space.
std::string fold_spaces(std::string_view v) {
    std::string out;
    bool pending_space = false;
    for (char c : v) {
        if (is_space(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out.push_back(' ');
        pending_space = false;
        out.push_back(c);
    }
    return out;
}

std::string date_only(std::chrono::sys_seconds t) { return amz_date(t).substr(0, 8); }

}  // namespace

std::string uri_encode(std::string_view s, bool encode_slash) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (is_unreserved(c) || (c == '/' && !encode_slash)) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 0x0f]);
        }
    }
    return out;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            int hi = hex_value(s[i + 1]);
            int lo = hex_value(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

std::string normalize_path(std::string_view path) {
    std::vector<std::string_view> segments;
    bool trailing_slash = false;
    std::size_t pos = 0;
    while (pos <= path.size()) {
        std::size_t end = path.find('/', pos);
        if (end == std::string_view::npos) end = path.size();
        std::string_view seg = path.substr(pos, end - pos);
        bool last = end == path.size();
        // RFC 3986 remove_dot_segments: a path ending in "/", "/." or "/.." names a directory.
        if (seg.empty() || seg == ".") {
            trailing_slash = last;
        } else if (seg == "..") {
            if (!segments.empty()) segments.pop_back();
            trailing_slash = last;
        } else {
            segments.push_back(seg);
            trailing_slash = false;
        }
        pos = end + 1;
    }
    std::string out;
    for (auto seg : segments) {
        out.push_back('/');
        out.append(seg);
    }
    if (out.empty() || trailing_slash) out.push_back('/');
    return out;
}

std::string canonical_uri(std::string_view path, const Options& opt) {
    std::string p = path.empty() ? std::string("/") : std::string(path);
    if (opt.normalize_path) p = normalize_path(p);
    if (opt.encode_path) p = uri_encode(p, false);
    return p;
}

std::string canonical_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> params;
    std::size_t pos = 0;
    while (pos <= query.size()) {
        std::size_t end = query.find('&', pos);
        if (end == std::string_view::npos) end = query.size();
        std::string_view item = query.substr(pos, end - pos);
        if (!item.empty()) {
            std::size_t eq = item.find('=');
            std::string_view name = item.substr(0, eq);
            std::string_view value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
            params.emplace_back(uri_encode(percent_decode(name)), uri_encode(percent_decode(value)));
        }
        pos = end + 1;
    }
    std::sort(params.begin(), params.end());
    std::string out;
    for (const auto& [name, value] : params) {
        if (!out.empty()) out.push_back('&');
        out += name;
        out.push_back('=');
        out += value;
    }
    return out;
}

CanonicalHeaders canonical_headers(const Headers& headers) {
    std::map<std::string, std::string> merged;
    for (const auto& [name, value] : headers) {
        auto [it, fresh] = merged.try_emplace(lowercase(fold_spaces(name)), fold_spaces(value));
        if (!fresh) {
            it->second.push_back(',');
            it->second += fold_spaces(value);
        }
    }
    CanonicalHeaders out;
    for (const auto& [name, value] : merged) {
        out.text += fmt::format("{}:{}\n", name, value);
        if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
        out.signed_headers += name;
    }
    return out;
}

std::string canonical_request(std::string_view method, std::string_view canonical_uri,
                              std::string_view canonical_query, const CanonicalHeaders& headers,
                              std::string_view payload_hash) {
    return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", method, canonical_uri, canonical_query, headers.text,
                       headers.signed_headers, payload_hash);
}

std::string amz_date(std::chrono::sys_seconds t) {
    using namespace std::chrono;
    auto day = floor<days>(t);
    year_month_day ymd{day};
    hh_mm_ss hms{t - day};
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string credential_scope(std::chrono::sys_seconds t, std::string_view region,
                             std::string_view service) {
    return fmt::format("{}/{}/{}/aws4_request", date_only(t), region, service);
}

std::string string_to_sign(std::chrono::sys_seconds t, std::string_view scope,
                           std::string_view canonical_request) {
    return fmt::format("{}\n{}\n{}\n{}", algorithm, amz_date(t), scope, sha256_hex(canonical_request));
}

std::string signing_key(std::string_view secret, std::chrono::sys_seconds t, std::string_view region,
                        std::string_view service) {
    std::string k = hmac_sha256("AWS4" + std::string(secret), date_only(t));
    k = hmac_sha256(k, region);
    k = hmac_sha256(k, service);
    return hmac_sha256(k, "aws4_request");
}

std::string signature(std::string_view signing_key, std::string_view string_to_sign) {
    return hex(hmac_sha256(signing_key, string_to_sign));
}

Signed sign(const Request& req, const Credentials& creds, const Options& opt) {
    std::string payload_hash = req.payload_hash.empty() ? sha256_hex(req.body) : req.payload_hash;
    Signed out;
    out.headers_to_add.emplace_back("X-Amz-Date", amz_date(opt.time));
    if (opt.add_content_sha256) out.headers_to_add.emplace_back("x-amz-content-sha256", payload_hash);
    bool token = !creds.session_token.empty();
    if (token && opt.sign_session_token)
        out.headers_to_add.emplace_back("X-Amz-Security-Token", creds.session_token);

    Headers all = req.headers;
    all.insert(all.end(), out.headers_to_add.begin(), out.headers_to_add.end());
    CanonicalHeaders ch = canonical_headers(all);
    out.canonical_request = canonical_request(req.method, canonical_uri(req.path, opt),
                                              canonical_query(req.query), ch, payload_hash);
    std::string scope = credential_scope(opt.time, opt.region, opt.service);
    out.string_to_sign = string_to_sign(opt.time, scope, out.canonical_request);
    out.signature = signature(signing_key(creds.secret_access_key, opt.time, opt.region, opt.service),
                              out.string_to_sign);
    out.authorization = fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}", algorithm,
                                    creds.access_key_id, scope, ch.signed_headers, out.signature);
    if (token && !opt.sign_session_token)
        out.headers_to_add.emplace_back("X-Amz-Security-Token", creds.session_token);
    out.headers_to_add.emplace_back("Authorization", out.authorization);
    return out;
}

Presigned presign(const Request& req, const Credentials& creds, const Options& opt,
                  std::chrono::seconds expires) {
    std::string payload_hash = req.payload_hash.empty() ? sha256_hex(req.body) : req.payload_hash;
    CanonicalHeaders ch = canonical_headers(req.headers);
    std::string scope = credential_scope(opt.time, opt.region, opt.service);
    bool token = !creds.session_token.empty();

    std::string added = fmt::format(
        "X-Amz-Algorithm={}&X-Amz-Credential={}&X-Amz-Date={}&X-Amz-Expires={}&X-Amz-SignedHeaders={}",
        algorithm, uri_encode(creds.access_key_id + "/" + scope), amz_date(opt.time), expires.count(),
        uri_encode(ch.signed_headers));
    if (token && opt.sign_session_token)
        added += "&X-Amz-Security-Token=" + uri_encode(creds.session_token);
    std::string query = req.query.empty() ? added : fmt::format("{}&{}", req.query, added);

    Presigned out;
    out.canonical_request = canonical_request(req.method, canonical_uri(req.path, opt),
                                              canonical_query(query), ch, payload_hash);
    out.string_to_sign = string_to_sign(opt.time, scope, out.canonical_request);
    out.signature = signature(signing_key(creds.secret_access_key, opt.time, opt.region, opt.service),
                              out.string_to_sign);
    out.query = query + "&X-Amz-Signature=" + out.signature;
    if (token && !opt.sign_session_token)
        out.query += "&X-Amz-Security-Token=" + uri_encode(creds.session_token);
    return out;
}

}  // namespace devenv::sigv4

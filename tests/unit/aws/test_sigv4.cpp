#include <cstdlib>
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/sigv4.hpp"

namespace fs = std::filesystem;
using namespace devenv;
using namespace std::chrono;

namespace {

// The project's shared test data lives beside the checkout (../shared); DEVENV_SHARED_DIR names
// it elsewhere. Missing, the tests below fail (they are never skipped).
fs::path shared_dir() {
    if (const char* e = std::getenv("DEVENV_SHARED_DIR"); e && *e) return e;
    return fs::path(DEVENV_SOURCE_DIR) / ".." / "shared";
}
const fs::path suite_dir = shared_dir() / "testdata" / "aws-sigv4-test-suite";

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The expected files sometimes end with a newline and sometimes not; the content never does.
std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

sys_seconds parse_timestamp(const std::string& s) {  // 2015-08-30T12:36:00Z
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &se) != 6)
        throw std::runtime_error("bad timestamp " + s);
    return sys_days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}} +
           hours{h} + minutes{mi} + seconds{se};
}

// request.txt: request line, "Name:value" headers (repeated names; a line starting with
// whitespace continues the previous value), a blank line, the body.
struct RawRequest {
    std::string method, path, query, body;
    Headers headers;
};

RawRequest parse_request(const std::string& text) {
    RawRequest r;
    std::size_t head_end = text.find("\n\n");
    std::string head = head_end == std::string::npos ? text : text.substr(0, head_end);
    if (head_end != std::string::npos) r.body = text.substr(head_end + 2);
    std::istringstream lines(head);
    std::string line;
    std::getline(lines, line);
    std::size_t sp1 = line.find(' ');
    std::size_t sp2 = line.rfind(' ');  // paths may hold spaces ("/example space/")
    r.method = line.substr(0, sp1);
    std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        if ((line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
            r.headers.back().second += " " + line;
            continue;
        }
        std::size_t colon = line.find(':');
        r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
    return r;
}

// The query of the first line of query-signed-request.txt, as a sorted list of parameters.
std::vector<std::string> sorted_params(const std::string& query) {
    std::vector<std::string> out;
    std::istringstream in(query);
    std::string item;
    while (std::getline(in, item, '&')) out.push_back(item);
    std::sort(out.begin(), out.end());
    return out;
}

std::string signed_request_query(const std::string& signed_request) {
    std::string first = signed_request.substr(0, signed_request.find('\n'));
    std::size_t q = first.find('?');
    std::size_t end = first.rfind(' ');
    return q == std::string::npos ? std::string{} : first.substr(q + 1, end - q - 1);
}

std::vector<fs::path> suite_cases() {
    std::vector<fs::path> out;
    if (!fs::is_directory(suite_dir)) return out;
    for (const auto& entry : fs::directory_iterator(suite_dir))
        if (entry.is_directory() && fs::exists(entry.path() / "request.txt")) out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

struct Case {
    RawRequest raw;
    sigv4::Credentials creds;
    sigv4::Options opt;
    seconds expires{0};
    bool sign_body = false;
};

Case load_case(const fs::path& dir) {
    Case c;
    c.raw = parse_request(slurp(dir / "request.txt"));
    auto ctx = nlohmann::json::parse(slurp(dir / "context.json"));
    c.creds.access_key_id = ctx.at("credentials").at("access_key_id");
    c.creds.secret_access_key = ctx.at("credentials").at("secret_access_key");
    c.creds.session_token = ctx.at("credentials").value("token", "");
    c.opt.region = ctx.at("region");
    c.opt.service = ctx.at("service");
    c.opt.time = parse_timestamp(ctx.at("timestamp"));
    c.opt.normalize_path = ctx.at("normalize");
    c.opt.sign_session_token = !ctx.value("omit_session_token", false);
    c.sign_body = ctx.at("sign_body");
    c.opt.add_content_sha256 = c.sign_body;
    c.expires = seconds{ctx.at("expiration_in_seconds").get<int>()};
    return c;
}

sigv4::Request to_request(const RawRequest& raw) {
    sigv4::Request req;
    req.method = raw.method;
    req.path = raw.path;
    req.query = raw.query;
    req.headers = raw.headers;
    req.body = raw.body;
    return req;
}

}  // namespace

TEST_SUITE("aws.sigv4") {

TEST_CASE("the AWS test suite is present and complete") {
    INFO("suite folder: ", suite_dir.string());
    REQUIRE_MESSAGE(fs::is_directory(suite_dir), "AWS SigV4 test suite folder is missing");
    auto cases = suite_cases();
    MESSAGE("AWS SigV4 suite cases found: ", cases.size());
    REQUIRE_MESSAGE(cases.size() >= 38, "expected at least 38 cases, found ", cases.size());
}

TEST_CASE("every suite case: header signing") {
    auto cases = suite_cases();
    REQUIRE(cases.size() >= 38);
    int checked = 0;
    for (const auto& dir : cases) {
        const std::string name = dir.filename().string();
        INFO("case: ", name);
        Case c = load_case(dir);
        auto s = sigv4::sign(to_request(c.raw), c.creds, c.opt);
        CHECK(s.canonical_request == trimmed(slurp(dir / "header-canonical-request.txt")));
        CHECK(s.string_to_sign == trimmed(slurp(dir / "header-string-to-sign.txt")));
        CHECK(s.signature == trimmed(slurp(dir / "header-signature.txt")));
        // The signed request shows the Authorization header exactly as it must be sent.
        CHECK(slurp(dir / "header-signed-request.txt").find("\nAuthorization:" + s.authorization + "\n") !=
              std::string::npos);
        ++checked;
    }
    CHECK(checked == static_cast<int>(cases.size()));
}

TEST_CASE("every suite case: presigned query") {
    auto cases = suite_cases();
    REQUIRE(cases.size() >= 38);
    int checked = 0;
    for (const auto& dir : cases) {
        const std::string name = dir.filename().string();
        INFO("case: ", name);
        Case c = load_case(dir);
        auto p = sigv4::presign(to_request(c.raw), c.creds, c.opt, c.expires);
        CHECK(p.canonical_request == trimmed(slurp(dir / "query-canonical-request.txt")));
        CHECK(p.string_to_sign == trimmed(slurp(dir / "query-string-to-sign.txt")));
        CHECK(p.signature == trimmed(slurp(dir / "query-signature.txt")));
        CHECK(sorted_params(p.query) ==
              sorted_params(signed_request_query(slurp(dir / "query-signed-request.txt"))));
        ++checked;
    }
    CHECK(checked == static_cast<int>(cases.size()));
}

TEST_CASE("S3 signs the path as sent (AWS S3 documentation example: GET Object)") {
    // From the S3 SigV4 documentation ("Example: GET Object"): unnormalised, single-encoded path
    // and a signed x-amz-content-sha256.
    sigv4::Request req;
    req.method = "GET";
    req.path = "/test.txt";
    req.headers = {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
    sigv4::Options opt;
    opt.service = "s3";
    opt.time = sys_days{2013y / May / 24};
    opt.normalize_path = false;
    opt.encode_path = false;
    opt.add_content_sha256 = true;
    sigv4::Credentials creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
    auto s = sigv4::sign(req, creds, opt);
    CHECK(s.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    CHECK(s.authorization ==
          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
          "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
          "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("S3 presigned URL (AWS S3 documentation example)") {
    sigv4::Request req;
    req.path = "/test.txt";
    req.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
    req.payload_hash = std::string(sigv4::unsigned_payload);
    sigv4::Options opt;
    opt.service = "s3";
    opt.time = sys_days{2013y / May / 24};
    opt.normalize_path = false;
    opt.encode_path = false;
    sigv4::Credentials creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
    auto p = sigv4::presign(req, creds, opt, hours{24});
    CHECK(p.signature == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST_CASE("path normalisation and encoding") {
    CHECK(sigv4::normalize_path("") == "/");
    CHECK(sigv4::normalize_path("/a/b/..") == "/a/");
    CHECK(sigv4::normalize_path("/a/./b") == "/a/b");
    CHECK(sigv4::normalize_path("/../a") == "/a");
    CHECK(sigv4::normalize_path("//a//b//") == "/a/b/");
    // Every service but S3 encodes the already-encoded path once more.
    sigv4::Options opt;
    CHECK(sigv4::canonical_uri("/a%20b", opt) == "/a%2520b");
    opt.normalize_path = opt.encode_path = false;
    CHECK(sigv4::canonical_uri("/bucket/a%20b//c", opt) == "/bucket/a%20b//c");
}

TEST_CASE("canonical query") {
    CHECK(sigv4::canonical_query("") == "");
    CHECK(sigv4::canonical_query("b=2&a=1&a=0") == "a=0&a=1&b=2");
    CHECK(sigv4::canonical_query("flag&x=") == "flag=&x=");
    CHECK(sigv4::canonical_query("k=a%2fb%20c") == "k=a%2Fb%20c");
    CHECK(sigv4::canonical_query("k=a b+c") == "k=a%20b%2Bc");
    CHECK(sigv4::canonical_query("k=%zz") == "k=%25zz");
}

TEST_CASE("amz date across a leap day and at midnight") {
    CHECK(sigv4::amz_date(sys_days{2024y / February / 29} + hours{23} + minutes{59} + seconds{59}) ==
          "20240229T235959Z");
    CHECK(sigv4::amz_date(sys_days{2026y / January / 1}) == "20260101T000000Z");
}

}  // TEST_SUITE

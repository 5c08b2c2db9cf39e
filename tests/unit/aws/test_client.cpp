#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <sstream>

#include <fmt/format.h>

#include "aws/client.hpp"
#include "aws/ping.hpp"
#include "http_test_server.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"

using namespace devenv;
using devenv::test::drop_connection;
using devenv::test::reply;
using devenv::test::HttpTestServer;
using devenv::test::SeenRequest;
using namespace std::chrono;

namespace {

AwsConfig config_for(const HttpTestServer& server) {
    AwsConfig c;
    c.endpoint = server.endpoint();
    c.first_backoff = milliseconds{5};  // keep the suite fast; the doubling is what is tested
    return c;
}

sys_seconds parse_amz_date(const std::string& s) {  // 20150830T123600Z
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    REQUIRE(std::sscanf(s.c_str(), "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi, &se) == 6);
    return sys_days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}} + hours{h} +
           minutes{mi} + seconds{se};
}

// Re-signs what the server received with the headers the client said it signed: proves the
// request went out exactly as signed (Host, path, body untouched by the transport).
std::string resign(const SeenRequest& seen, const std::string& service, bool s3,
                   const std::string& region = "us-east-1") {
    std::string auth = seen.header("Authorization");
    auto sh = auth.find("SignedHeaders=");
    REQUIRE(sh != std::string::npos);
    std::string names = auth.substr(sh + 14, auth.find(',', sh) - sh - 14);
    sigv4::Request req;
    req.method = seen.method;
    std::string target = seen.target;
    std::string path = target.substr(0, target.find('?'));
    std::string query = target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);
    req.path = path;
    req.query = query;
    req.body = seen.body;
    std::istringstream in(names);
    std::string name;
    while (std::getline(in, name, ';'))
        if (name != "x-amz-date" && name != "x-amz-content-sha256") req.headers.emplace_back(name, seen.header(name));
    sigv4::Options opt;
    opt.service = service;
    opt.region = region;
    opt.time = parse_amz_date(seen.header("X-Amz-Date"));
    opt.normalize_path = opt.encode_path = !s3;
    opt.add_content_sha256 = s3;
    return sigv4::sign(req, sigv4::Credentials{"test", "test", ""}, opt).authorization;
}

}  // namespace

TEST_SUITE("aws.client") {

TEST_CASE("JSON protocol: target, content type, credential scope, body") {
    HttpTestServer server({reply(200, R"({"TableNames":[]})", {{"Content-Type", "application/x-amz-json-1.0"}})});
    AwsClient client(config_for(server));
    AwsResult r = client.call_json("dynamodb", "ListTables", {{"Limit", 1}});
    CHECK(r.ok());
    CHECK(r.attempts == 1);
    CHECK(r.json()["TableNames"].is_array());
    auto seen = server.seen();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].target == "/");
    CHECK(seen[0].header("X-Amz-Target") == "DynamoDB_20120810.ListTables");
    CHECK(seen[0].header("Content-Type") == "application/x-amz-json-1.0");
    CHECK(seen[0].header("Host") == fmt::format("127.0.0.1:{}", server.port()));
    CHECK(nlohmann::json::parse(seen[0].body) == nlohmann::json{{"Limit", 1}});
    const std::string auth = seen[0].header("Authorization");
    CHECK(auth.find("/us-east-1/dynamodb/aws4_request") != std::string::npos);
    CHECK(auth.find("SignedHeaders=content-type;host;x-amz-date;x-amz-target,") != std::string::npos);
    CHECK(auth == resign(seen[0], "dynamodb", false));
}

TEST_CASE("JSON 1.1 services and their target prefixes") {
    HttpTestServer server({reply(200, "{}")});
    AwsClient client(config_for(server));
    CHECK(client.call_json("ssm", "DescribeParameters").ok());
    CHECK(client.call_json("cognito-idp", "ListUserPools", {{"MaxResults", 1}}).ok());
    CHECK(client.call_json("sqs", "ListQueues").ok());
    auto seen = server.seen();
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].header("X-Amz-Target") == "AmazonSSM.DescribeParameters");
    CHECK(seen[0].header("Content-Type") == "application/x-amz-json-1.1");
    CHECK(seen[1].header("X-Amz-Target") == "AWSCognitoIdentityProviderService.ListUserPools");
    CHECK(seen[1].header("Authorization").find("/cognito-idp/aws4_request") != std::string::npos);
    CHECK(seen[2].header("Content-Type") == "application/x-amz-json-1.0");
    CHECK(seen[2].header("X-Amz-Target") == "AmazonSQS.ListQueues");
}

TEST_CASE("a 4xx is returned at once with the AWS code and message") {
    HttpTestServer server({reply(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceInUseException",)"
                                      R"("message":"Table already exists: t"})")});
    AwsClient client(config_for(server));
    AwsResult r = client.call_json("dynamodb", "CreateTable", {{"TableName", "t"}});
    CHECK_FALSE(r.ok());
    CHECK(r.status == 400);
    CHECK(r.attempts == 1);
    CHECK(r.code == "ResourceInUseException");
    CHECK(r.message == "Table already exists: t");
    CHECK(r.describe() == "HTTP 400 ResourceInUseException: Table already exists: t");
    CHECK(server.seen().size() == 1);
}

TEST_CASE("error code from x-amzn-ErrorType when the body has none") {
    HttpTestServer server({reply(404, "", {{"x-amzn-ErrorType", "ResourceNotFoundException:http://internal/"}})});
    AwsClient client(config_for(server));
    AwsResult r = client.call_json("secretsmanager", "DescribeSecret", {{"SecretId", "x"}});
    CHECK(r.code == "ResourceNotFoundException");
    CHECK(r.attempts == 1);
}

TEST_CASE("5xx, throttling and dropped connections are retried") {
    // The drop comes first: on a reused connection libcurl itself resends once, which would hide
    // the client's own retry from this count.
    HttpTestServer server({drop_connection(), reply(500, R"({"__type":"InternalFailure"})"),
                           reply(400, R"({"__type":"ThrottlingException","message":"slow down"})"),
                           reply(200, "{}")});
    AwsClient client(config_for(server));
    AwsResult r = client.call_json("events", "ListEventBuses");
    CHECK(r.ok());
    CHECK(r.attempts == 4);
    CHECK(server.seen().size() == 4);
}

TEST_CASE("retries stop after max_attempts with a doubling, jittered backoff") {
    HttpTestServer server({reply(503, "<Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error>")});
    AwsConfig cfg = config_for(server);
    cfg.first_backoff = milliseconds{20};
    AwsClient client(cfg);
    auto start = steady_clock::now();
    AwsResult r = client.s3("GET", "");
    auto took = steady_clock::now() - start;
    CHECK(r.status == 503);
    CHECK(r.attempts == 4);
    CHECK(r.code == "ServiceUnavailable");
    CHECK(r.message == "busy");
    // Each wait is between half the backoff and all of it (full jitter): 10-20, 20-40, 40-80 ms.
    CHECK(took >= milliseconds{10 + 20 + 40});
    CHECK(server.seen().size() == 4);
}

TEST_CASE("a refused connection is not retried") {
    test::ClosedPort gone;
    int port = gone.port();
    AwsConfig cfg;
    cfg.endpoint = fmt::format("http://127.0.0.1:{}", port);
    AwsClient client(cfg);
    AwsResult r = client.call_query("sts", "GetCallerIdentity");
    CHECK(r.status == 0);
    CHECK(r.attempts == 1);
    CHECK_FALSE(r.message.empty());
    CHECK(r.describe() == r.message);
}

TEST_CASE("query protocol: form body, sts scope, XML error") {
    HttpTestServer server({reply(403, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
                                      "<Message>bad &amp; wrong</Message></Error></ErrorResponse>")});
    AwsClient client(config_for(server));
    AwsResult r = client.call_query("sts", "AssumeRole", {{"RoleArn", "arn:aws:iam::1:role/x"}, {"RoleSessionName", "a b"}});
    CHECK(r.code == "InvalidClientTokenId");
    CHECK(r.message == "bad & wrong");
    auto seen = server.seen();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].body ==
          "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx&RoleSessionName=a%20b");
    CHECK(seen[0].header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8");
    CHECK(seen[0].header("Authorization").find("/us-east-1/sts/aws4_request") != std::string::npos);
    CHECK(seen[0].header("Authorization") == resign(seen[0], "sts", false));
}

TEST_CASE("S3: path-style, encoded key, signed payload hash") {
    HttpTestServer server({reply(200, "")});
    AwsConfig cfg = config_for(server);
    cfg.region = "eu-west-1";
    AwsClient client(cfg);
    AwsResult r = client.s3("PUT", "my-bucket", "dir/a b+c.txt", {}, "hello", {{"Content-Type", "text/plain"}});
    CHECK(r.ok());
    auto seen = server.seen();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].method == "PUT");
    CHECK(seen[0].target == "/my-bucket/dir/a%20b%2Bc.txt");
    CHECK(seen[0].body == "hello");
    CHECK(seen[0].header("x-amz-content-sha256") == sha256_hex("hello"));
    const std::string auth = seen[0].header("Authorization");
    CHECK(auth.find("/eu-west-1/s3/aws4_request") != std::string::npos);
    CHECK(auth.find("x-amz-content-sha256") != std::string::npos);
    CHECK(auth == resign(seen[0], "s3", true, "eu-west-1"));
}

TEST_CASE("S3: a body streamed from a file is sent whole and signed with the given hash") {
    HttpTestServer server({reply(200, ""), reply(500, ""), reply(200, "")});
    AwsConfig cfg = config_for(server);
    AwsClient client(cfg);
    std::string bytes;
    for (int i = 0; i < 300000; ++i) bytes.push_back(static_cast<char>('a' + i % 26));
    char path[] = "/tmp/devenv-test-s3-body-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    close(fd);
    FileBody body{path, sha256_hex(bytes), bytes.size()};
    AwsResult r = client.s3_put_file("my-bucket", "big/100% done.bin", body, {{"Content-Type", "application/octet-stream"}});
    CHECK(r.ok());
    // A retried upload reads the file again from its start.
    AwsResult r2 = client.s3_put_file("my-bucket", "again.bin", body);
    CHECK(r2.ok());
    CHECK(r2.attempts == 2);
    std::remove(path);
    auto seen = server.seen();
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].method == "PUT");
    CHECK(seen[0].target == "/my-bucket/big/100%25%20done.bin");
    CHECK(seen[0].body == bytes);
    CHECK(seen[0].header("Content-Length") == std::to_string(bytes.size()));
    CHECK(seen[0].header("Transfer-Encoding").empty());
    CHECK(seen[0].header("x-amz-content-sha256") == sha256_hex(bytes));
    CHECK(seen[0].header("Authorization") == resign(seen[0], "s3", true));
    CHECK(seen[2].body == bytes);
    // A file that cannot be read is a transport failure of this call, not a crash.
    AwsResult gone = client.s3_put_file("my-bucket", "gone.bin", FileBody{"/nonexistent/devenv", "x", 1});
    CHECK(gone.status == 0);
    CHECK(gone.message.find("/nonexistent/devenv") != std::string::npos);
}

TEST_CASE("S3: keys with dot segments go out as signed (libcurl does not squash them)") {
    HttpTestServer server({reply(200, "")});
    AwsClient client(config_for(server));
    AwsResult r = client.s3("PUT", "my-bucket", "./a/../b//c.txt", {}, "x");
    CHECK(r.ok());
    auto seen = server.seen();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].target == "/my-bucket/./a/../b//c.txt");
    CHECK(seen[0].header("Authorization") == resign(seen[0], "s3", true));
}

TEST_CASE("a borrowed HttpClient is used and kept") {
    HttpTestServer server({reply(200, "{}")});
    HttpClient http;
    {
        AwsClient a(config_for(server), http);
        CHECK(a.call_json("sqs", "ListQueues").ok());
    }
    AwsClient b(config_for(server), http);
    CHECK(b.call_json("sqs", "ListQueues").ok());
    CHECK(server.seen().size() == 2);
}

TEST_CASE("endpoints are checked") {
    AwsConfig cfg;
    cfg.endpoint = "localhost:4566";
    CHECK_THROWS_AS(AwsClient{cfg}, Error);
    cfg.endpoint = "http://localhost:4566/prefix";
    CHECK_THROWS_AS(AwsClient{cfg}, Error);
    cfg.endpoint = "http://localhost:4566/";
    CHECK_NOTHROW(AwsClient{cfg});
}

TEST_CASE("unknown services and protocol mismatches are programming errors") {
    AwsClient client;
    CHECK_THROWS_AS(client.call_json("nope", "X"), Error);
    CHECK_THROWS_AS(client.call_json("sts", "GetCallerIdentity"), Error);
    CHECK_THROWS_AS(client.call_query("dynamodb", "ListTables"), Error);
}

TEST_CASE("every pingable service is a known service") {
    CHECK(pingable_aws_services().size() == 9);
    for (auto s : pingable_aws_services()) {
        INFO(s);
        CHECK(find_aws_service(s) != nullptr);
    }
}

}  // TEST_SUITE

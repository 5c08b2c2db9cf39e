#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>

#include "http_test_server.hpp"
#include "probe/probe.hpp"
#include "test_probe_support.hpp"

using namespace devenv;
using devenv::test::HttpTestServer;

namespace {

// Canned answers by path, over keep-alive connections like a real server's.
const std::map<std::string, std::pair<int, std::string>>& routes() {
    static const std::map<std::string, std::pair<int, std::string>> r{
        {"/health", {200, R"({"services": {"s3": "starting", "sqs": "running"}, "ready": true, "count": 3})"}},
        {"/down", {503, "Service Unavailable"}},
        {"/text", {200, "Init hooks done. Ready.\n"}},
        {"/created", {201, ""}},
        {"/notjson", {200, "hello"}},
    };
    return r;
}

test::Reply serve_http(const test::SeenRequest& req) {
    auto it = routes().find(req.target);
    if (it == routes().end()) return test::reply(404, "not found", {{"Content-Type", "application/json"}});
    return test::reply(it->second.first, it->second.second, {{"Content-Type", "application/json"}});
}

test::Probe http_spec(int port, std::string path) {
    test::Probe spec("http", port);
    spec.set("path", std::move(path));
    return spec;
}

}  // namespace

TEST_SUITE("probe") {

TEST_CASE("http: status") {
    HttpTestServer server(serve_http);
    ProbeContext ctx;

    SUBCASE("200 is ready by default") {
        auto r = http_spec(server.port(), "/health").attempt(ctx);
        CHECK(r.ready);
        CHECK(r.detail == "HTTP 200");
    }
    SUBCASE("503 is not ready and says so") {
        auto r = http_spec(server.port(), "/down").attempt(ctx);
        CHECK_FALSE(r.ready);
        CHECK(r.detail == "HTTP 503");
    }
    SUBCASE("a listed status is accepted") {
        auto spec = http_spec(server.port(), "/down");
        spec.set_ints("status", {200, 503});
        CHECK(spec.attempt(ctx).ready);
    }
    SUBCASE("an empty list means any 2xx") {
        auto spec = http_spec(server.port(), "/created");
        spec.set_ints("status", {});
        CHECK(spec.attempt(ctx).ready);
        spec.set("path", "/down");
        CHECK(spec.attempt(ctx).detail == "HTTP 503");
    }
    SUBCASE("201 is not 200") {
        auto r = http_spec(server.port(), "/created").attempt(ctx);
        CHECK_FALSE(r.ready);
        CHECK(r.detail == "HTTP 201");
    }
    SUBCASE("a path without a leading slash still works") {
        CHECK(http_spec(server.port(), "health").attempt(ctx).ready);
    }
}

TEST_CASE("http: body substring") {
    HttpTestServer server(serve_http);
    ProbeContext ctx;
    auto spec = http_spec(server.port(), "/text");
    spec.set("body", "Ready");
    CHECK(spec.attempt(ctx).ready);
    spec.set("path", "/health");
    auto r = spec.attempt(ctx);
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "body lacks 'Ready'");
}

TEST_CASE("http: JSON pointer") {
    HttpTestServer server(serve_http);
    ProbeContext ctx;
    auto spec = http_spec(server.port(), "/health");

    SUBCASE("string equality") {
        spec.set("json_pointer", "/services/sqs");
        spec.set("json_equals", "running");
        CHECK(spec.attempt(ctx).ready);
    }
    SUBCASE("a mismatch names the pointer, the value and the wanted value") {
        spec.set("json_pointer", "/services/s3");
        spec.set("json_equals", "running");
        auto r = spec.attempt(ctx);
        CHECK_FALSE(r.ready);
        CHECK(r.detail == "/services/s3 is 'starting', want 'running'");
    }
    SUBCASE("existence only") {
        spec.set("json_pointer", "/services/s3");
        CHECK(spec.attempt(ctx).ready);
        spec.set("json_pointer", "/services/dynamodb");
        auto r = spec.attempt(ctx);
        CHECK_FALSE(r.ready);
        CHECK(r.detail == "body lacks /services/dynamodb");
    }
    SUBCASE("non-string values compare as JSON text") {
        spec.set("json_pointer", "/ready");
        spec.set("json_equals", "true");
        CHECK(spec.attempt(ctx).ready);
        spec.set("json_pointer", "/count");
        spec.set("json_equals", "3");
        CHECK(spec.attempt(ctx).ready);
        spec.set("json_pointer", "/services");
        spec.set("json_equals", "x");
        CHECK(spec.attempt(ctx).detail ==
              R"(/services is '{"s3":"starting","sqs":"running"}', want 'x')");
    }
    SUBCASE("a body that is not JSON") {
        spec.set("path", "/notjson");
        spec.set("json_pointer", "/a");
        auto r = spec.attempt(ctx);
        CHECK_FALSE(r.ready);
        CHECK(r.detail == "body is not JSON");
    }
    SUBCASE("a malformed pointer is reported, not thrown") {
        spec.set("json_pointer", "services");
        auto r = spec.attempt(ctx);
        CHECK_FALSE(r.ready);
        CHECK(r.detail.starts_with("bad JSON pointer 'services'"));
    }
    SUBCASE("status is checked before the body") {
        spec.set("path", "/down");
        spec.set("json_pointer", "/a");
        CHECK(spec.attempt(ctx).detail == "HTTP 503");
    }
}

TEST_CASE("http: a refused port is not ready and says why") {
    ProbeContext ctx;
    auto r = http_spec(test::unused_port(), "/").attempt(ctx);
    CHECK_FALSE(r.ready);
    INFO(r.detail);
    CHECK_FALSE(r.detail.empty());
    CHECK(r.latency < std::chrono::milliseconds(1000));
}

TEST_CASE("http: the context keeps one client across attempts") {
    HttpTestServer server(serve_http);
    ProbeContext ctx;
    CHECK(http_spec(server.port(), "/health").attempt(ctx).ready);
    auto* client = ctx.http.get();
    REQUIRE(client != nullptr);
    CHECK(http_spec(server.port(), "/health").attempt(ctx).ready);
    CHECK(ctx.http.get() == client);
}

}

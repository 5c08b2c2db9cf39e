#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <string>

#include "http_test_server.hpp"
#include "net/http.hpp"

using namespace devenv;
using devenv::test::ClosedPort;
using devenv::test::HttpTestServer;
using devenv::test::Reply;
using devenv::test::SeenRequest;
using namespace std::chrono_literals;

namespace {

HttpRequest get(const std::string& url) {
    HttpRequest r;
    r.url = url;
    return r;
}

}  // namespace

TEST_SUITE("net.http") {
    TEST_CASE("several requests on one client share one kept-alive connection") {
        HttpTestServer server([](const SeenRequest& r) {
            return Reply{200, {{"X-Echo-Target", r.target}}, "hello " + r.target};
        });
        HttpClient http;
        for (int i = 0; i < 5; ++i) {
            auto resp = http.send(get(server.url("/n/" + std::to_string(i))));
            REQUIRE(resp.ok());
            CHECK(resp.status == 200);
            CHECK(resp.body == "hello /n/" + std::to_string(i));
            CHECK(resp.header("x-echo-target") == "/n/" + std::to_string(i));
        }
        CHECK(server.accepted() == 1);
        CHECK(server.seen().size() == 5);
    }

    TEST_CASE("method, request headers and body are sent; response headers are captured") {
        HttpTestServer server([](const SeenRequest& r) {
            return Reply{r.method == "PUT" ? 201 : 404, {{"Content-Type", "application/json"}, {"X-Two", " a b "}},
                         r.body};
        });
        HttpClient http;
        HttpRequest req = get(server.url("/things"));
        req.method = "PUT";
        req.headers = {{"X-Token", "t1"}, {"Content-Type", "application/json"}};
        req.body = R"({"k":1})";
        auto resp = http.send(req);
        CHECK(resp.status == 201);
        CHECK(resp.body == R"({"k":1})");
        CHECK(resp.header("CONTENT-TYPE") == "application/json");
        CHECK(resp.header("X-Two") == "a b");
        CHECK(resp.header("X-Absent").empty());
        CHECK(resp.elapsed > 0us);
        auto seen = server.seen();
        REQUIRE(seen.size() == 1);
        CHECK(seen[0].method == "PUT");
        CHECK(seen[0].head.find("X-Token: t1") != std::string::npos);
        CHECK(seen[0].head.find("Expect:") == std::string::npos);
        CHECK(seen[0].body == R"({"k":1})");

        SUBCASE("an HTTP error status is a response, not a transport failure") {
            auto r404 = http.send(get(server.url("/missing")));
            CHECK(r404.ok());
            CHECK(r404.status == 404);
            CHECK(r404.error.empty());
        }
        SUBCASE("a body without a Content-Type gets none from libcurl") {
            HttpRequest post = get(server.url("/p"));
            post.method = "POST";
            post.body = "raw";
            CHECK(http.send(post).status == 404);
            CHECK(server.seen().back().head.find("Content-Type") == std::string::npos);
        }
        SUBCASE("HEAD has no body") {
            HttpRequest head = get(server.url("/h"));
            head.method = "HEAD";
            auto r = http.send(head);
            CHECK(r.status == 404);
            CHECK(r.body.empty());
        }
    }

    TEST_CASE("a slow answer times out: status 0 and the reason, within the timeout") {
        HttpTestServer server([](const SeenRequest&) {
            Reply r;
            r.delay = 3000ms;
            return r;
        });
        HttpClient http;
        HttpRequest req = get(server.url("/slow"));
        req.timeout = 200ms;
        auto t0 = std::chrono::steady_clock::now();
        auto resp = http.send(req);
        auto took = std::chrono::steady_clock::now() - t0;
        CHECK_FALSE(resp.ok());
        CHECK(resp.status == 0);
        CHECK(resp.error.find("timed out") != std::string::npos);
        CHECK(took >= 190ms);
        CHECK(took < 1000ms);
    }

    TEST_CASE("a refused connection is returned, not thrown, and is fast") {
        ClosedPort closed;
        HttpClient http;
        auto t0 = std::chrono::steady_clock::now();
        auto resp = http.send(get("http://127.0.0.1:" + std::to_string(closed.port()) + "/"));
        CHECK(std::chrono::steady_clock::now() - t0 < 500ms);
        CHECK(resp.status == 0);
        CHECK_FALSE(resp.error.empty());
        CHECK(resp.body.empty());

        SUBCASE("and the same client works afterwards") {
            HttpTestServer server([](const SeenRequest&) { return Reply{204, {}, ""}; });
            CHECK(http.send(get(server.url())).status == 204);
        }
    }

    TEST_CASE("a missing unix socket fails at once") {
        HttpClient http("/nonexistent/devenv-test.sock");
        auto t0 = std::chrono::steady_clock::now();
        auto resp = http.send(get("http://localhost/_ping"));
        CHECK(std::chrono::steady_clock::now() - t0 < 500ms);
        CHECK(resp.status == 0);
        CHECK_FALSE(resp.error.empty());
    }

    TEST_CASE("requests go through a unix socket and reuse its connection") {
        std::string path = "/tmp/devenv-test-http-" + std::to_string(::getpid()) + ".sock";
        HttpTestServer server([](const SeenRequest& r) { return Reply{200, {}, "via socket " + r.target}; }, path);
        HttpClient http(path);
        CHECK(http.send(get("http://localhost/v1.41/_ping")).body == "via socket /v1.41/_ping");
        CHECK(http.send(get("http://localhost/version")).body == "via socket /version");
        CHECK(server.accepted() == 1);
    }

    TEST_CASE("streaming delivers chunks as they arrive and stops when asked") {
        HttpTestServer server([](const SeenRequest& r) {
            Reply reply;
            reply.chunks = {"one\n", "two\n", "three\n"};
            reply.chunk_gap = r.target == "/stop" ? 300ms : 20ms;
            return reply;
        });
        HttpClient http;
        std::string got;
        auto resp = http.stream(get(server.url("/all")), [&](std::string_view d) {
            got.append(d);
            return true;
        });
        CHECK(resp.status == 200);
        CHECK(resp.body.empty());
        CHECK(got == "one\ntwo\nthree\n");

        got.clear();
        auto t0 = std::chrono::steady_clock::now();
        auto stopped = http.stream(get(server.url("/stop")), [&](std::string_view d) {
            got.append(d);
            return false;  // the first chunk is enough
        });
        CHECK(std::chrono::steady_clock::now() - t0 < 250ms);
        CHECK(stopped.ok());
        CHECK(stopped.status == 200);
        CHECK(got == "one\n");
    }

    TEST_CASE("a moved-from client's successor keeps working") {
        HttpTestServer server([](const SeenRequest&) { return Reply{200, {}, "ok"}; });
        HttpClient a;
        CHECK(a.send(get(server.url())).body == "ok");
        HttpClient b(std::move(a));
        CHECK(b.send(get(server.url())).body == "ok");
        HttpClient c;
        c = std::move(b);
        CHECK(c.send(get(server.url())).body == "ok");
        CHECK(server.accepted() == 1);
    }
}

TEST_SUITE("net.http") {
    TEST_CASE("url_encode keeps unreserved characters only") {
        CHECK(url_encode(R"({"label":["a=b c/d"]})") == "%7B%22label%22%3A%5B%22a%3Db%20c%2Fd%22%5D%7D");
        CHECK(url_encode("A-z_0.9~") == "A-z_0.9~");
        CHECK(url_encode("").empty());
    }
}

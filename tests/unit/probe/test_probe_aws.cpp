#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <string>

#include <fmt/format.h>

#include "http_test_server.hpp"
#include "probe/probe.hpp"
#include "test_probe_support.hpp"

using namespace devenv;
using devenv::test::HttpTestServer;

namespace {

// A LocalStack-shaped server: POST / answers every signed read with {}, GET
// /_localstack/init/ready answers what the test put in `init` (404 when empty, like moto).
struct FakeLocalStack {
    std::mutex mu;
    std::string init;
    std::atomic<int> init_asks{0};

    test::Reply serve(const test::SeenRequest& req) {
        int status = 200;
        std::string body = "{}";
        if (req.method == "GET" && req.target == "/_localstack/init/ready") {
            ++init_asks;
            std::lock_guard<std::mutex> lock(mu);
            if (init.empty()) status = 404, body = "not found";
            else body = init;
        }
        return test::reply(status, body, {{"Content-Type", "application/json"}});
    }
    void set(std::string s) {
        std::lock_guard<std::mutex> lock(mu);
        init = std::move(s);
    }
};

test::Probe aws_spec(int port) {
    test::Probe spec("aws", port);
    spec.set_list("services", {"sqs", "ssm"});
    spec.set("init_stage", "ready");
    return spec;
}

}  // namespace

TEST_SUITE("probe") {

TEST_CASE("aws: LocalStack's ready.d hooks: running, done, failed") {
    FakeLocalStack ls;
    HttpTestServer server([&](const test::SeenRequest& r) { return ls.serve(r); });
    ProbeContext ctx;
    test::Probe spec = aws_spec(server.port());

    ls.set(R"({"completed": false, "scripts": [{"stage": "READY", "name": "10-a.sh", "state": "RUNNING"},
              {"stage": "READY", "name": "20-b.sh", "state": "INACTIVE"}]})");
    ProbeResult r = spec.attempt(ctx);
    CHECK_FALSE(r.ready);
    CHECK_FALSE(r.fatal);
    CHECK(r.detail == "ready init hooks running: 10-a.sh, 20-b.sh");

    ls.set(R"({"completed": false, "scripts": []})");
    r = spec.attempt(ctx);
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "ready init hooks have not run yet");

    ls.set(R"({"completed": true, "scripts": [{"stage": "READY", "name": "10-a.sh", "state": "SUCCESSFUL"}]})");
    r = spec.attempt(ctx);
    CHECK(r.ready);
    CHECK(r.detail == "sqs, ssm answered; ready init hooks done");

    // A failed hook: asking again cannot help, the wait fails now.
    ls.set(R"({"completed": true, "scripts": [{"stage": "READY", "name": "10-a.sh", "state": "SUCCESSFUL"},
              {"stage": "READY", "name": "20-b.sh", "state": "ERROR"}]})");
    r = spec.attempt(ctx);
    CHECK_FALSE(r.ready);
    CHECK(r.fatal);
    CHECK(r.detail.find("init hook 20-b.sh in ready.d failed") == 0);
}

TEST_CASE("aws: without init_stage the hooks are not asked; an emulator without them (404) is ready") {
    FakeLocalStack ls;
    HttpTestServer server([&](const test::SeenRequest& r) { return ls.serve(r); });
    ProbeContext ctx;
    test::Probe spec = aws_spec(server.port());
    spec.unset("init_stage");
    ls.set(R"({"completed": false, "scripts": []})");
    CHECK(spec.attempt(ctx).ready);
    CHECK(ls.init_asks == 0);

    spec.set("init_stage", "ready");
    ls.set("");  // 404
    ProbeResult r = spec.attempt(ctx);
    CHECK(r.ready);
    CHECK(ls.init_asks == 1);
}

}  // TEST_SUITE

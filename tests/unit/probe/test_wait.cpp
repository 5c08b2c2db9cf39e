#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "probe/wait.hpp"

using namespace devenv;
using namespace std::chrono_literals;

namespace {
WaitService none_probe(std::string name, std::vector<std::string> deps = {}) {
    WaitService s;
    s.name = std::move(name);
    s.probe.kind = "none";
    s.probe.timeout = 5s;
    s.depends_on = std::move(deps);
    return s;
}
}  // namespace

TEST_SUITE("probe.wait") {
    TEST_CASE("ready services finish quickly, dependencies first") {
        std::vector<std::string> order;
        std::mutex mu;
        WaitHooks hooks;
        auto t0 = std::chrono::steady_clock::now();
        hooks.containers = [&] {
            std::map<std::string, ContainerView> m;
            bool late = std::chrono::steady_clock::now() - t0 > 300ms;
            m["db"] = {true, late ? "running" : "created", 0, 0, "", ""};
            m["api"] = {true, "running", 0, 0, "", ""};
            return m;
        };
        hooks.on_event = [&](const WaitEvent& e) {
            if (e.kind == WaitEvent::Kind::ready) {
                std::lock_guard<std::mutex> l(mu);
                order.push_back(e.service);
            }
        };
        WaitResult r = wait_for_services({none_probe("api", {"db"}), none_probe("db")}, 10s, hooks);
        CHECK(r.ok);
        CHECK(order == std::vector<std::string>{"db", "api"});
        CHECK(r.services[1].ready_after >= 250ms);
    }

    TEST_CASE("an exited container fails fast with its log tail") {
        WaitHooks hooks;
        auto t0 = std::chrono::steady_clock::now();
        hooks.containers = [&] {
            std::map<std::string, ContainerView> m;
            bool dead = std::chrono::steady_clock::now() - t0 > 200ms;
            m["db"] = {true, dead ? "exited" : "created", dead ? 3 : 0, 0, "", ""};
            return m;
        };
        hooks.log_tail = [](const std::string&, int) { return std::vector<std::string>{"FATAL: boom"}; };
        WaitService db = none_probe("db");
        db.probe.timeout = 30s;
        WaitResult r = wait_for_services({db}, 60s, hooks);
        auto took = std::chrono::steady_clock::now() - t0;
        CHECK_FALSE(r.ok);
        CHECK(r.services[0].exited);
        CHECK(r.services[0].detail == "container exited with code 3");
        CHECK(r.services[0].log_tail == std::vector<std::string>{"FATAL: boom"});
        CHECK(took < 2s);
    }

    TEST_CASE("a service's timeout ends the wait with the last probe error") {
        WaitHooks hooks;
        hooks.containers = [] { return std::map<std::string, ContainerView>{{"db", {true, "running", 0, 0, "", ""}}}; };
        WaitService db;
        db.name = "db";
        db.probe.kind = "tcp";
        db.endpoint.port = 1;  // nothing listens on port 1
        db.probe.timeout = 600ms;
        auto t0 = std::chrono::steady_clock::now();
        WaitResult r = wait_for_services({db}, 60s, hooks);
        CHECK_FALSE(r.ok);
        CHECK(r.services[0].detail.starts_with("not ready after"));
        CHECK(std::chrono::steady_clock::now() - t0 < 3s);
    }

    TEST_CASE("a service that does not answer: still_probing after 3 s with the last error, about every second") {
        WaitHooks hooks;
        hooks.containers = [] { return std::map<std::string, ContainerView>{{"db", {true, "running", 0, 0, "", ""}}}; };
        std::vector<WaitEvent> still;
        std::mutex mu;
        hooks.on_event = [&](const WaitEvent& e) {
            std::lock_guard<std::mutex> l(mu);
            if (e.kind == WaitEvent::Kind::still_probing) still.push_back(e);
        };
        WaitService db;
        db.name = "db";
        db.probe.kind = "tcp";
        db.endpoint.port = 1;  // nothing listens on port 1
        db.probe.timeout = 5500ms;
        WaitResult r = wait_for_services({db}, 60s, hooks);
        CHECK_FALSE(r.ok);
        REQUIRE(still.size() >= 2);
        CHECK(still.size() <= 4);
        CHECK(still[0].probing >= 3s);
        CHECK(still[0].probing < 4500ms);
        CHECK(still[0].attempts > 1);
        CHECK(still[0].detail.find("refused") != std::string::npos);
        CHECK(still[1].probing - still[0].probing >= 900ms);
    }

    TEST_CASE("a job: done when its container exits 0, failed with its exit code otherwise, never probed") {
        auto t0 = std::chrono::steady_clock::now();
        int code = 0;
        WaitHooks hooks;
        hooks.containers = [&] {
            bool done = std::chrono::steady_clock::now() - t0 > 400ms;
            std::map<std::string, ContainerView> m;
            m["migrate"] = {true, done ? "exited" : "running", done ? code : 0, 0, "", ""};
            m["app"] = {true, "running", 0, 0, "", ""};
            return m;
        };
        hooks.log_tail = [](const std::string&, int) { return std::vector<std::string>{"relation missing"}; };
        std::vector<std::string> order;
        std::mutex mu;
        hooks.on_event = [&](const WaitEvent& e) {
            std::lock_guard<std::mutex> l(mu);
            if (e.kind == WaitEvent::Kind::ready) order.push_back(e.service + (e.job ? ":job" : ""));
        };
        WaitService job = none_probe("migrate");
        job.job = true;
        job.probe.kind = "tcp";  // would never answer: a job is not probed
        job.endpoint.port = 1;
        WaitResult r = wait_for_services({none_probe("app", {"migrate"}), job}, 10s, hooks);
        CHECK(r.ok);
        CHECK(r.services[1].detail == "completed");
        CHECK(r.services[1].job);
        CHECK(order == std::vector<std::string>{"migrate:job", "app"});

        t0 = std::chrono::steady_clock::now();
        code = 3;
        order.clear();
        r = wait_for_services({none_probe("app", {"migrate"}), job}, 10s, hooks);
        CHECK_FALSE(r.ok);
        CHECK(r.services[1].exited);
        CHECK(r.services[1].detail == "the job exited with code 3 (a job must exit 0)");
        CHECK(r.services[1].log_tail == std::vector<std::string>{"relation missing"});
        CHECK(std::chrono::steady_clock::now() - t0 < 3s);

        CHECK(job_attempt({true, "exited", 0, 0, "", ""}, 0).ready);
        CHECK(job_attempt({true, "restarting", 1, 1, "", ""}, 0).fatal);
        CHECK_FALSE(job_attempt({false, "", 0, 0, "", ""}, 0).ready);
    }

    TEST_CASE("interruption stops the wait") {
        std::atomic<bool> stop{false};
        WaitHooks hooks;
        hooks.containers = [] { return std::map<std::string, ContainerView>{{"db", {true, "created", 0, 0, "", ""}}}; };
        hooks.interrupted = &stop;
        std::thread t([&] {
            std::this_thread::sleep_for(300ms);
            stop = true;
        });
        auto t0 = std::chrono::steady_clock::now();
        WaitResult r = wait_for_services({none_probe("db")}, 60s, hooks);
        t.join();
        CHECK(r.interrupted);
        CHECK_FALSE(r.ok);
        CHECK(std::chrono::steady_clock::now() - t0 < 2s);
    }
}

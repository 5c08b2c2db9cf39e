// Against the real engine and Compose: only with DEVENV_TEST_DOCKER=1 (skipped, and reported
// as skipped, otherwise). Needs the local image devenv-standin/redis:8
// (scripts/build-standin-images.sh). Every case uses its own Compose project and removes it.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "engine/compose.hpp"
#include "engine/docker_api.hpp"
#include "http_test_server.hpp"
#include "util/error.hpp"

using namespace devenv;
using namespace std::chrono_literals;

namespace {

bool docker_tests_enabled() {
    const char* v = std::getenv("DEVENV_TEST_DOCKER");
    return v && std::string(v) == "1";
}

// A Compose project of the test's own, taken down (volumes included) whatever happens.
struct TestProject {
    ComposeProject project;
    bool created = true;  // false: nothing to take down (a file Compose rejects)

    TestProject(const std::string& suffix, const std::string& yaml) {
        project.name = fmt::format("devenv-test-engine-{}-{}", ::getpid(), suffix);
        project.project_dir = "/tmp/" + project.name;
        project.file = project.project_dir + "/compose.yaml";
        std::filesystem::create_directories(project.project_dir);
        std::ofstream(project.file) << yaml;
    }
    ~TestProject() {
        if (created) down();
        std::filesystem::remove_all(project.project_dir);
    }
    void down() {
        try {
            ComposeDownOptions down;
            down.volumes = true;
            down.stop_timeout_s = 1;
            down.timeout = 60s;
            compose_down(project, down);
        } catch (const Error& e) {
            MESSAGE("cleanup of ", project.name, " failed: ", e.message());
        }
    }
    TestProject(const TestProject&) = delete;
    TestProject& operator=(const TestProject&) = delete;
};

const ContainerInfo* find_service(const std::vector<ContainerInfo>& list, const std::string& service) {
    for (const auto& c : list)
        if (c.service == service) return &c;
    return nullptr;
}

template <typename F>
double average_ms(int n, F&& f) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / n;
}

constexpr const char* kTwoServices = R"(services:
  kv:
    image: devenv-standin/redis:8
    ports: ["127.0.0.1::6379"]
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 1s
      timeout: 2s
      retries: 30
  once:
    image: devenv-standin/redis:8
    entrypoint: ["sh", "-c", "echo bye; sleep 0.3; echo oops >&2; exit 3"]
)";

}  // namespace

TEST_SUITE("engine.docker") {
    TEST_CASE("a Compose project, seen through the engine API: list, logs, exec, down" *
              doctest::skip(!docker_tests_enabled()) * doctest::timeout(120)) {
        REQUIRE(compose_version().starts_with("2."));
        TestProject t("main", kTwoServices);
        compose_validate(t.project);
        compose_up(t.project);

        DockerApi api;
        api.ping();
        CHECK(api.api_version() == "1.41");
        CHECK(api.version().value("ApiVersion", "") == "1.41");

        // Up, healthy, and the one-shot service finished.
        std::vector<ContainerInfo> list;
        auto deadline = std::chrono::steady_clock::now() + 30s;
        while (std::chrono::steady_clock::now() < deadline) {
            list = api.list_project(t.project.name);
            const ContainerInfo* kv = find_service(list, "kv");
            const ContainerInfo* once = find_service(list, "once");
            if (kv && kv->health == "healthy" && once && once->state == "exited") break;
            std::this_thread::sleep_for(100ms);
        }
        REQUIRE(list.size() == 2);
        CHECK(list[0].name == t.project.name + "-kv-1");  // sorted by name
        const ContainerInfo& kv = *find_service(list, "kv");
        const ContainerInfo& once = *find_service(list, "once");
        CHECK(kv.state == "running");
        CHECK(kv.health == "healthy");
        CHECK(kv.health_log == "PONG");
        CHECK(kv.restart_count == 0);
        CHECK(kv.exit_code == 0);
        CHECK(kv.image == "devenv-standin/redis:8");
        CHECK(kv.status.starts_with("Up "));
        CHECK(kv.created_at.size() == 20);
        CHECK_FALSE(kv.started_at.empty());
        CHECK(kv.finished_at.empty());
        CHECK_FALSE(kv.tty);
        REQUIRE(kv.ports.size() == 1);
        CHECK(kv.ports[0].container_port == 6379);
        CHECK(kv.ports[0].proto == "tcp");
        CHECK(kv.ports[0].host_ip == "127.0.0.1");
        CHECK(kv.ports[0].host_port > 0);
        CHECK(once.state == "exited");
        CHECK(once.exit_code == 3);
        CHECK(once.health.empty());
        CHECK(once.status.starts_with("Exited (3)"));
        CHECK_FALSE(once.finished_at.empty());

        SUBCASE("inspect one container by name agrees with the list") {
            ContainerInfo one = api.inspect(kv.name);
            CHECK(one.id == kv.id);
            CHECK(one.service == "kv");
            CHECK(one.health == "healthy");
            CHECK(one.ports.size() == 1);
            CHECK(one.ports[0].host_port == kv.ports[0].host_port);
            CHECK_THROWS_AS(api.inspect("devenv-test-no-such-container"), Error);
        }

        SUBCASE("latency: status of a project and a ping stay in milliseconds") {
            double list_ms = average_ms(20, [&] { api.list_project(t.project.name); });
            double ping_ms = average_ms(50, [&] { api.ping(); });
            MESSAGE(fmt::format("list_project ({} containers, list + inspect each): {:.2f} ms; ping: {:.3f} ms", list.size(),
                                list_ms, ping_ms));
            CHECK(list_ms < 20);
            CHECK(ping_ms < 5);
        }

        SUBCASE("logs: all, tail, since, follow") {
            CHECK(api.logs(once.id, LogOptions{}) == "bye\noops\n");
            CHECK(api.logs(once.id, 1) == "oops\n");
            CHECK(api.logs(once.name, 0) == "bye\noops\n");
            LogOptions later;
            later.since = std::chrono::system_clock::now() + 1h;
            CHECK(api.logs(once.id, later).empty());
            LogOptions stamped;
            stamped.tail = 1;
            stamped.timestamps = true;
            CHECK(api.logs(once.id, stamped).ends_with("Z oops\n"));
            CHECK(api.logs(kv.id, 3).find("Ready to accept connections") != std::string::npos);

            std::string followed;
            api.follow_logs(once.id, -1, [&](std::string_view s) {  // ends: the container is stopped
                followed += s;
                return true;
            });
            CHECK(followed == "bye\noops\n");
            int chunks = 0;
            auto t0 = std::chrono::steady_clock::now();
            api.follow_logs(kv.id, 1, [&](std::string_view) { return ++chunks < 1; });  // running: we stop it
            CHECK(chunks == 1);
            CHECK(std::chrono::steady_clock::now() - t0 < 2s);
            CHECK_THROWS_AS(api.logs("devenv-test-no-such-container", 1), Error);
        }

        SUBCASE("exec: exit codes and separate output") {
            CHECK(api.exec(kv.id, {"true"}) == 0);
            CHECK(api.exec(kv.id, {"false"}) == 1);
            ExecResult r = api.exec(kv.id, {"sh", "-c", "echo out; echo err >&2; exit 4"}, ExecOptions{});
            CHECK(r.exit_code == 4);
            CHECK(r.out == "out\n");
            CHECK(r.err == "err\n");
            std::string pong;
            CHECK(api.exec(kv.name, {"redis-cli", "ping"}, &pong) == 0);
            CHECK(pong == "PONG\n");
            ExecOptions o;
            o.env = {"GREETING=hi there"};
            o.workdir = "/tmp";
            o.user = "nobody";
            r = api.exec(kv.id, {"sh", "-c", "echo \"$GREETING\" $(pwd) $(id -un)"}, o);
            CHECK(r.out == "hi there /tmp nobody\n");
            CHECK(api.exec(kv.id, {"no-such-program-devenv"}) != 0);
            // The stopped container cannot run anything.
            try {
                api.exec(once.id, {"true"});
                FAIL("exec in a stopped container");
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::engine);
                CHECK(e.message().find("is not running") != std::string::npos);
            }
        }

        SUBCASE("Compose's own ps and logs") {
            nlohmann::json ps = compose_ps(t.project);
            REQUIRE(ps.size() == 2);
            CHECK(ps[0].value("Project", "") == t.project.name);
            CHECK(compose_logs(t.project, {"once"}).find("bye") != std::string::npos);
            CHECK(compose_logs(t.project, {}, 1).find("oops") != std::string::npos);
            CHECK(compose_config(t.project).find("devenv-standin/redis:8") != std::string::npos);
        }

        SUBCASE("down removes every container") {
            ComposeDownOptions down;
            down.volumes = true;
            down.stop_timeout_s = 1;
            compose_down(t.project, down);
            CHECK(api.list_project(t.project.name).empty());
        }
    }

    TEST_CASE("latency with five containers: list + inspect each, cold and warm; ping" *
              doctest::skip(!docker_tests_enabled()) * doctest::timeout(120)) {
        std::string yaml = "services:\n";
        for (int i = 1; i <= 5; ++i)
            yaml += fmt::format("  s{}:\n    image: devenv-standin/redis:8\n    ports: [\"127.0.0.1::6379\"]\n", i);
        TestProject t("five", yaml);
        ComposeUpOptions up;
        up.wait = true;
        up.wait_timeout = 60s;
        compose_up(t.project, up);
        auto t0 = std::chrono::steady_clock::now();
        DockerApi cold;
        auto first = cold.list_project(t.project.name);
        double cold_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        REQUIRE(first.size() == 5);
        for (const auto& c : first) CHECK(c.state == "running");
        double warm_ms = average_ms(50, [&] { cold.list_project(t.project.name); });
        double ping_ms = average_ms(100, [&] { cold.ping(); });
        MESSAGE(fmt::format("5 containers: first status with a new client (negotiation + list + 5 inspects) {:.2f} ms; "
                            "then {:.2f} ms per status; ping {:.3f} ms",
                            cold_ms, warm_ms, ping_ms));
        CHECK(cold_ms < 50);
        CHECK(warm_ms < 20);
    }

    TEST_CASE("Compose failures carry its stderr" * doctest::skip(!docker_tests_enabled()) * doctest::timeout(120)) {
        SUBCASE("a file Compose rejects") {
            TestProject t("bad", "services:\n  kv:\n    image: devenv-standin/redis:8\n    ports: 7\n");
            t.created = false;
            try {
                compose_validate(t.project);
                FAIL("accepted");
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::engine);
                CHECK(e.message().starts_with("docker compose could not load the rendered Compose file: "));
                CHECK(e.message().find("ports") != std::string::npos);
                CHECK_FALSE(e.details().empty());
                CHECK_FALSE(e.hints().empty());
            }
        }
        SUBCASE("a port two services both want: up fails, the engine says why") {
            int port = test::unused_port();
            TestProject t("clash", fmt::format(R"(services:
  a:
    image: devenv-standin/redis:8
    ports: ["127.0.0.1:{0}:6379"]
  b:
    image: devenv-standin/redis:8
    ports: ["127.0.0.1:{0}:6379"]
)",
                                               port));
            try {
                compose_up(t.project);
                FAIL("both started");
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::engine);
                INFO(e.message());
                CHECK(e.message().find("already allocated") != std::string::npos);
                CHECK(e.details().size() <= 20);
            }
            DockerApi api;
            auto list = api.list_project(t.project.name);
            REQUIRE(list.size() == 2);
            int failed = 0;
            for (const auto& c : list)
                if (c.state != "running") {
                    ++failed;
                    CHECK(c.error.find("already allocated") != std::string::npos);
                }
            CHECK(failed == 1);
        }
    }
}

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "engine/engine_host.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"

using namespace devenv;
namespace fs = std::filesystem;

namespace {

// A folder standing in for "/" (a container's marker files, /etc/hosts, /proc/net/route,
// /sys/class/net) and a fake environment.
struct FakeMachine {
    fs::path root;
    std::map<std::string, std::string> env;

    FakeMachine() {
        root = fs::temp_directory_path() / ("devenv-engine-host-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        fs::remove_all(root);
        fs::create_directories(root / "sys/class/net/lo");
        env["HOME"] = (root / "home").string();
    }
    ~FakeMachine() { fs::remove_all(root); }
    static int& counter() {
        static int n = 0;
        return n;
    }
    void write(const std::string& path, const std::string& text) {
        fs::path p = root / fs::path(path).relative_path();
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
    }
    EngineLookup lookup() const {
        EngineLookup l;
        l.root = root.string();
        l.getenv = [this](std::string_view name) -> std::optional<std::string> {
            auto it = env.find(std::string(name));
            if (it == env.end()) return std::nullopt;
            return it->second;
        };
        return l;
    }
    EngineTarget resolve() const { return resolve_engine(lookup()); }
    // A context as `docker context create NAME --docker host=HOST` stores it.
    void context(const std::string& name, const std::string& host) {
        write("/home/.docker/contexts/meta/" + sha256_hex(name) + "/meta.json",
              R"({"Name":")" + name + R"(","Metadata":{},"Endpoints":{"docker":{"Host":")" + host + R"(","SkipTLSVerify":false}}})");
    }
};

}  // namespace

TEST_SUITE("engine host") {
    TEST_CASE("no DOCKER_HOST, no context: the default socket, ports on this machine") {
        FakeMachine m;
        EngineTarget t = m.resolve();
        CHECK(t.address == "unix:///var/run/docker.sock");
        CHECK(t.source == "the default socket");
        CHECK(t.host == "127.0.0.1");
        CHECK(t.ports_on_this_machine());
    }

    TEST_CASE("DOCKER_HOST tcp:// and ssh://: ports on the engine's host") {
        FakeMachine m;
        m.env["DOCKER_HOST"] = "tcp://10.211.0.2:2375";
        EngineTarget t = m.resolve();
        CHECK(t.address == "tcp://10.211.0.2:2375");
        CHECK(t.source == "DOCKER_HOST");
        CHECK(t.host == "10.211.0.2");
        CHECK(t.host_source == "the engine's address");
        CHECK_FALSE(t.ports_on_this_machine());

        m.env["DOCKER_HOST"] = "ssh://root@builder.example:2222";
        t = m.resolve();
        CHECK(t.host == "builder.example");
        SshAddress a = parse_ssh_address(t.address);
        CHECK(a.user == "root");
        CHECK(a.host == "builder.example");
        CHECK(a.port == 2222);

        m.env["DOCKER_HOST"] = "ssh://builder";
        a = parse_ssh_address(m.resolve().address);
        CHECK(a.user.empty());
        CHECK(a.port == 0);

        m.env["DOCKER_HOST"] = "tcp://[fd00::5]:2375";
        CHECK(m.resolve().host == "fd00::5");

        m.env["DOCKER_HOST"] = "tcp://localhost:2375";  // an engine on this machine's port
        CHECK(m.resolve().ports_on_this_machine());
    }

    TEST_CASE("DEVENV_HOST overrides the host, not the engine") {
        FakeMachine m;
        m.env["DOCKER_HOST"] = "tcp://docker:2375";
        m.env["DEVENV_HOST"] = "10.0.0.7";
        EngineTarget t = m.resolve();
        CHECK(t.address == "tcp://docker:2375");
        CHECK(t.host == "10.0.0.7");
        CHECK(t.host_source == "DEVENV_HOST");

        m.env["DEVENV_HOST"] = "http://10.0.0.7:80";
        try {
            m.resolve();
            FAIL("a URL in DEVENV_HOST was accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            CHECK(std::string(e.message()).find("DEVENV_HOST=http://10.0.0.7:80 is not a host name") != std::string::npos);
        }
    }

    TEST_CASE("the current docker context: DOCKER_CONTEXT, else config.json; DOCKER_HOST wins over both") {
        FakeMachine m;
        m.context("builder", "tcp://10.211.0.2:2375");
        m.write("/home/.docker/config.json", R"({"auths":{},"currentContext":"builder"})");
        EngineTarget t = m.resolve();
        CHECK(t.address == "tcp://10.211.0.2:2375");
        CHECK(t.context == "builder");
        CHECK(t.source.find("docker context 'builder'") == 0);
        CHECK(t.source.find("config.json") != std::string::npos);
        CHECK(t.host == "10.211.0.2");

        m.context("other", "ssh://me@other");
        m.env["DOCKER_CONTEXT"] = "other";
        t = m.resolve();
        CHECK(t.address == "ssh://me@other");
        CHECK(t.source == "docker context 'other' (DOCKER_CONTEXT)");

        m.env["DOCKER_HOST"] = "unix:///run/x.sock";
        t = m.resolve();
        CHECK(t.address == "unix:///run/x.sock");
        CHECK(t.context.empty());

        m.env.erase("DOCKER_HOST");
        m.env["DOCKER_CONTEXT"] = "default";
        CHECK(m.resolve().address == "unix:///var/run/docker.sock");

        m.env.erase("DOCKER_CONTEXT");
        m.env["DOCKER_CONFIG"] = (m.root / "elsewhere").string();  // no config there: default
        CHECK(m.resolve().address == "unix:///var/run/docker.sock");
    }

    TEST_CASE("a context that does not exist, or uses TLS, is an engine error naming it") {
        FakeMachine m;
        m.env["DOCKER_CONTEXT"] = "gone";
        try {
            m.resolve();
            FAIL("a missing context was accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::engine);
            CHECK(std::string(e.message()).find("docker context 'gone' (DOCKER_CONTEXT) does not exist") == 0);
            CHECK(e.hints().front().find("docker context ls") != std::string::npos);
        }
        m.context("tls", "tcp://secure:2376");
        m.write("/home/.docker/contexts/tls/" + sha256_hex("tls") + "/docker/ca.pem", "x");
        m.env["DOCKER_CONTEXT"] = "tls";
        CHECK_THROWS_AS(m.resolve(), Error);
        m.env.erase("DOCKER_CONTEXT");
        m.env["DOCKER_HOST"] = "npipe:////./pipe/docker_engine";
        CHECK_THROWS_AS(m.resolve(), Error);
    }

    TEST_CASE("in a container handed the host's socket, ports are on the container's host") {
        FakeMachine m;
        m.write("/.dockerenv", "");
        m.write("/sys/class/net/eth0/address", "02:42:ac:11:00:02");
        // 172.17.0.1 as the kernel writes it: little-endian hex.
        m.write("/proc/net/route",
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                "eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
                "eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n");
        EngineTarget t = m.resolve();
        CHECK(t.address == "unix:///var/run/docker.sock");
        CHECK(t.host == "172.17.0.1");
        CHECK(t.host_source.find("its default gateway") != std::string::npos);
        CHECK_FALSE(t.ports_on_this_machine());

        m.write("/etc/hosts", "127.0.0.1 localhost\n172.17.0.1\thost.docker.internal\n");
        CHECK(m.resolve().host == "host.docker.internal");

        m.env["DEVENV_HOST"] = "127.0.0.1";  // e.g. --network host without a bridge of its own
        CHECK(m.resolve().host == "127.0.0.1");
        m.env.erase("DEVENV_HOST");

        // A container with an engine of its own (or on the host's network) has a bridge.
        m.write("/sys/class/net/docker0/bridge/bridge_id", "8000.0242");
        CHECK(m.resolve().host == "127.0.0.1");
    }

    TEST_CASE("Podman's marker counts as a container too") {
        FakeMachine m;
        m.write("/run/.containerenv", "");
        m.write("/proc/net/route", "Iface\tDestination\tGateway\n"
                                   "eth0\t00000000\t0100580A\t0003\n");
        m.env["DOCKER_HOST"] = "unix:///run/podman/podman.sock";
        EngineTarget t = m.resolve();
        CHECK(t.host == "10.88.0.1");
        CHECK(t.host_source.find("/run/.containerenv") != std::string::npos);
    }
}

#include <cstdlib>

#include "engine/docker_api.hpp"

namespace {

// PATH with a folder holding an `ssh` of the test's own first, for the life of the object.
struct FakeSsh {
    fs::path dir;
    std::string old_path;
    explicit FakeSsh(const std::string& script) {
        dir = fs::temp_directory_path() / ("devenv-fake-ssh-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        std::ofstream(dir / "ssh") << "#!/bin/sh\n" << script << "\n";
        fs::permissions(dir / "ssh", fs::perms::owner_all);
        const char* p = std::getenv("PATH");
        old_path = p ? p : "";
        ::setenv("PATH", (dir.string() + ":" + old_path).c_str(), 1);
    }
    ~FakeSsh() {
        ::setenv("PATH", old_path.c_str(), 1);
        fs::remove_all(dir);
    }
};

}  // namespace

TEST_SUITE("engine host") {
    TEST_CASE("ssh:// failures say what ssh said, with the fix") {
        // What OpenSSH prints when the key is refused, and its exit code.
        FakeSsh ssh("echo 'root@10.0.0.9: Permission denied (publickey).' >&2; exit 255");
        DockerApi api("ssh://root@10.0.0.9");
        try {
            api.ping();
            FAIL("ping through a failing ssh succeeded");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::engine);
            CHECK(std::string(e.message()) ==
                  "cannot reach the Docker engine at ssh://root@10.0.0.9: ssh: root@10.0.0.9: Permission denied (publickey).");
            CHECK(e.hints().front().find("ssh-copy-id root@10.0.0.9") != std::string::npos);
        }
    }

    TEST_CASE("ssh:// without docker on the remote") {
        FakeSsh ssh("echo 'sh: 1: docker: not found' >&2; exit 127");
        DockerApi api("ssh://builder:2222");
        try {
            api.ping();
            FAIL("ping through a failing ssh succeeded");
        } catch (const Error& e) {
            CHECK(std::string(e.message()).find("ssh: sh: 1: docker: not found") != std::string::npos);
            CHECK(e.hints().front().find("install the docker CLI on builder") != std::string::npos);
            CHECK(e.hints().back().find("ssh -p 2222 builder docker system dial-stdio") != std::string::npos);
        }
    }
}

TEST_SUITE("engine host") {
    TEST_CASE("ssh:// speaks the Engine API through `docker system dial-stdio` on the socketpair") {
        // The "remote" is this machine's own docker CLI: what ssh runs on the far side.
        FakeSsh ssh("exec docker system dial-stdio");
        DockerApi api("ssh://someone@somewhere");
        api.ping();
        nlohmann::json v = api.version();
        CHECK(v.contains("ApiVersion"));
        // A kept-alive connection: several calls, one ssh.
        for (int i = 0; i < 5; ++i) CHECK_NOTHROW(api.info());
    }
}

#pragma once
// The Docker Engine API over its socket (libcurl), for fast reads: container state, health,
// ports, exit codes, logs; and exec. DOCKER_HOST is honoured (unix:// and tcp://).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace devenv {

class HttpClient;

struct PortBinding {
    int container_port = 0;
    std::string proto;      // tcp udp
    std::string host_ip;
    int host_port = 0;      // 0 when not published
};

struct ContainerInfo {
    std::string id;
    std::string name;
    std::string service;    // com.docker.compose.service
    std::string image;
    std::string state;      // created running paused restarting exited dead
    std::string status;     // "Up 3 seconds (healthy)"
    int exit_code = 0;
    int restart_count = 0;
    std::string health;     // "" (none) starting healthy unhealthy
    std::string health_log; // last healthcheck output (only when inspected)
    std::vector<PortBinding> ports;
    std::string started_at;
};

class DockerApi {
public:
    // docker_host: "unix:///var/run/docker.sock", "tcp://127.0.0.1:2375"; "" = DOCKER_HOST or the default.
    explicit DockerApi(std::string docker_host = {});
    ~DockerApi();
    DockerApi(const DockerApi&) = delete;
    DockerApi& operator=(const DockerApi&) = delete;

    const std::string& host() const { return host_; }

    // Throws Error(engine) with what failed and what to do, within ~1 s when nothing answers.
    void ping();
    nlohmann::json version();

    // Every container of a Compose project (running or not). One list call; containers that
    // are not running are inspected for their exit code and restart count.
    std::vector<ContainerInfo> list_project(const std::string& project);
    // Adds health_log and restart_count by inspecting (slower; for status and failures).
    void inspect_details(ContainerInfo& c);

    // The last `tail` lines of stdout+stderr (tail <= 0: all).
    std::string logs(const std::string& id, int tail);
    // Streams logs until on_chunk returns false or the container stops.
    void follow_logs(const std::string& id, int tail, const std::function<bool(std::string_view)>& on_chunk);

    // Runs argv in the container; returns its exit code; output (stdout+stderr) if asked.
    int exec(const std::string& id, const std::vector<std::string>& argv, std::string* output = nullptr);

private:
    nlohmann::json get_json(const std::string& path);
    std::string url(const std::string& path) const;

    std::string host_;
    std::string socket_;     // unix socket path, or "" for tcp
    std::string base_;       // "http://localhost" or "http://host:port"
    std::unique_ptr<HttpClient> http_;
};

// Docker's multiplexed stream (8-byte frame headers) to plain text; text without frames is
// returned as is (containers with a TTY).
std::string demux_docker_stream(std::string_view raw);

}  // namespace devenv

#pragma once
// The Docker Engine API over its socket (libcurl, one kept-alive connection), for fast reads:
// container state, health, ports, exit codes, logs; and exec. The engine is the one
// resolve_engine() names (engine/engine_host.hpp: DOCKER_HOST, the docker context, the default
// socket): unix:///path, tcp://host:port, or ssh://[user@]host[:port] through
// `ssh ... docker system dial-stdio` (engine/ssh_dial.hpp). One DockerApi per thread, like HttpClient.
//
// The API version is negotiated on first use: v1.41 (Engine 20.10), or the engine's own when it
// is older. Every call throws Error(ErrorKind::engine) on failure; an engine that does not
// answer fails within about a second.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/docker_stream.hpp"
#include "util/error.hpp"

namespace devenv {

class HttpClient;
class SshDialer;
struct HttpRequest;
struct HttpResponse;

struct PortBinding {
    int container_port = 0;
    std::string proto;      // tcp udp sctp
    std::string host_ip;    // "0.0.0.0", "::", "127.0.0.1"; "" when not published
    int host_port = 0;      // 0 when not published
};

struct ContainerInfo {
    std::string id;
    std::string name;
    std::string service;    // label com.docker.compose.service
    std::string image;
    std::string state;      // created running paused restarting removing exited dead
    std::string status;     // "Up 3 seconds (healthy)", "Exited (1) 2 seconds ago"
    int exit_code = 0;      // of the last run (exited, restarting)
    int restart_count = 0;
    std::string health;     // "" when the container has no healthcheck; starting healthy unhealthy
    std::string health_log; // output of the last healthcheck run, trimmed
    std::vector<PortBinding> ports;
    std::string created_at;   // RFC 3339, UTC
    std::string started_at;   // RFC 3339; "" if never started
    std::string finished_at;  // RFC 3339; "" if it has not stopped since
    std::string error;        // the engine's reason a start failed ("port is already allocated")
    bool oom_killed = false;
    bool tty = false;
};

struct LogOptions {
    std::optional<int> tail;  // the last N lines; nullopt: all
    std::optional<std::chrono::system_clock::time_point> since;
    bool timestamps = false;  // RFC 3339 time before each line
};

struct ExecOptions {
    std::vector<std::string> env;  // "KEY=value"
    std::string user;              // "" = the container's
    std::string workdir;           // "" = the container's
    std::chrono::milliseconds timeout{60000};
};

struct ExecResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

class DockerApi {
public:
    // docker_host: "unix:///var/run/docker.sock", "tcp://127.0.0.1:2375", "ssh://user@host";
    // "" = resolve_engine()'s. Throws Error(engine) for other schemes (npipe://). Connects lazily.
    explicit DockerApi(std::string docker_host = {});
    ~DockerApi();
    DockerApi(const DockerApi&) = delete;
    DockerApi& operator=(const DockerApi&) = delete;

    const std::string& host() const { return host_; }
    // "1.41", or the engine's when older; asks (one /_ping) when not yet known. Requests do not
    // need it first: they go out in the pinned version and settle it only if refused.
    const std::string& api_version();

    // GET /_ping.
    void ping();
    // GET /version: {"Version": "20.10.24", "ApiVersion": "1.41", "Os", "Arch", ...}.
    nlohmann::json version();
    // GET /info: {"DockerRootDir": "/var/lib/docker", "ServerVersion", "OperatingSystem", ...}.
    nlohmann::json info();
    // Whether the engine holds image `ref` ("postgres:17", "ghcr.io/a/b@sha256:..."); no pull.
    bool image_exists(const std::string& ref);

    // POST /images/create?fromImage=NAME&tag=TAG: pulls, handing each JSON line of the engine's
    // progress to on_line as it arrives, until the stream ends, on_line returns false or
    // *cancel becomes true (the engine then abandons the pull). `registry_auth` is the
    // X-Registry-Auth value ("" = anonymous). Returns the HTTP status (an error answer's
    // {"message"} is a line too); throws Error(engine) when the engine cannot be reached or
    // goes away. No overall time limit: a pull stalled for 2 minutes fails.
    long pull_image(const std::string& name, const std::string& tag, const std::string& registry_auth,
                    const std::function<bool(std::string_view line)>& on_line, const std::atomic<bool>* cancel = nullptr);

    // Every container of a Compose project, running or not, sorted by name: one list call, then
    // one inspect per container for what the list lacks (restart count, health log, times).
    // Containers removed in between are left out.
    std::vector<ContainerInfo> list_project(const std::string& project);
    // The same containers as the list call alone gives them (id, service, state, status, ports),
    // without the inspects: for a caller that needs no more, such as seed's check that each
    // service it writes to runs.
    std::vector<ContainerInfo> list_project_brief(const std::string& project);
    // Running containers of any project, as the list call gives them (ports included), by name.
    std::vector<ContainerInfo> list_running();
    // Running containers (any project) that publish host port `port`: "container NAME" or
    // "container NAME (Compose project P)".
    std::vector<std::string> containers_publishing(int port);
    // One container by id or name; what list_project gives, from inspect alone.
    ContainerInfo inspect(const std::string& id_or_name);
    // Adds what only inspect knows to an entry of the list.
    void inspect_details(ContainerInfo& c);
    // POST /containers/create with the Engine API's own body, then /start: the new container's
    // id. For doctor's published-port check; everything else is started by Compose.
    std::string run_container(const nlohmann::json& spec, const std::string& name);
    // DELETE /containers/ID?force=1 (its anonymous volumes stay); a missing one is no error.
    void remove_container(const std::string& id);

    // stdout and stderr interleaved as they were written.
    std::string logs(const std::string& id, const LogOptions& opts);
    // The last `tail` lines (tail <= 0: all).
    std::string logs(const std::string& id, int tail);
    // Streams output as it arrives, until on_chunk returns false or the container stops.
    void follow_logs(const std::string& id, const LogOptions& opts,
                     const std::function<bool(std::string_view)>& on_chunk);
    // tail < 0: all.
    void follow_logs(const std::string& id, int tail, const std::function<bool(std::string_view)>& on_chunk);

    // Runs argv in the running container (no shell, no TTY, no stdin) and waits for it.
    ExecResult exec(const std::string& id, const std::vector<std::string>& argv, const ExecOptions& opts);
    // Exit code only; output (stdout then stderr) when asked.
    int exec(const std::string& id, const std::vector<std::string>& argv, std::string* output = nullptr);

private:
    HttpResponse send(HttpRequest req, std::string_view what);
    nlohmann::json get_json(const std::string& path, std::string_view what);
    std::string url(const std::string& path);
    void note_api_version(const HttpResponse& ping);
    bool is_tty(const std::string& id);

    std::string host_;
    std::string socket_;       // unix socket path, or "" for tcp
    std::string base_;         // "http://localhost" or "http://host:port"
    std::string api_version_;  // "" until asked: requests go out in the pinned version meanwhile
    bool answered_ = false;    // a request was answered (ssh's handshake is behind us)
    std::unique_ptr<SshDialer> ssh_;  // ssh:// engines; outlives http_, whose sockets lead to it
    std::unique_ptr<HttpClient> http_;
    Error unreachable_error(const std::string& curl_error);
    // A ping's bound: an ssh engine's first answer includes ssh's own handshake.
    std::chrono::milliseconds first_answer() const { return ssh_ ? std::chrono::milliseconds(20000) : std::chrono::milliseconds(2000); }
};

}  // namespace devenv

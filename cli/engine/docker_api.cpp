#include "engine/docker_api.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <thread>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/docker_json.hpp"
#include "engine/pull_progress.hpp"
#include "engine/engine_host.hpp"
#include "engine/ssh_dial.hpp"
#include "net/http.hpp"
#include "util/error.hpp"

namespace devenv {

namespace {

using namespace std::chrono_literals;

// Engine 20.10 speaks 1.41; pinning it keeps answers shaped the way this file reads them.
constexpr std::string_view kPinnedApi = "1.41";
// An engine that does not accept a connection within this is not there.
constexpr auto kConnectTimeout = 1000ms;
constexpr auto kReadTimeout = 10s;

// Why curl could not connect, in the words a user needs: curl's own text names "localhost
// port 80" even for a unix socket.
std::string unreachable_reason(const std::string& socket, const std::string& curl_error, bool& permission) {
    permission = false;
    if (socket.empty()) return curl_error;
    struct stat st {};
    if (::stat(socket.c_str(), &st) != 0) return errno == ENOENT ? fmt::format("no socket at {}", socket) : curl_error;
    if (!S_ISSOCK(st.st_mode)) return fmt::format("{} is not a socket", socket);
    if (::access(socket.c_str(), R_OK | W_OK) != 0) {
        permission = true;
        return fmt::format("permission denied on {}", socket);
    }
    // A socket file left behind by an engine that has stopped.
    if (curl_error.find("Couldn't connect") != std::string::npos) return fmt::format("nothing listens on {}", socket);
    return curl_error;
}

Error unreachable(const std::string& host, const std::string& socket, const std::string& curl_error) {
    bool permission = false;
    std::string reason = unreachable_reason(socket, curl_error, permission);
    Error e(ErrorKind::engine, fmt::format("cannot reach the Docker engine at {}: {}", host, reason));
    if (permission) e.hint("add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again)");
    e.hint("start the engine (e.g. `sudo systemctl start docker` or dockerd), or set DOCKER_HOST");
    return e;
}

// The engine's own explanation from an error answer ({"message": "..."}), else the raw body.
std::string engine_message(const HttpResponse& r) {
    std::string msg = r.body;
    try {
        auto j = nlohmann::json::parse(r.body);
        if (j.is_object() && j.contains("message") && j["message"].is_string()) msg = j["message"].get<std::string>();
    } catch (const nlohmann::json::exception&) {
    }
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return msg.empty() ? fmt::format("HTTP {}", r.status) : msg;
}

// "1.40" < "1.41" < "1.100".
bool api_older(std::string_view a, std::string_view b) {
    auto parts = [](std::string_view v) {
        std::pair<long, long> p{0, 0};
        auto dot = v.find('.');
        p.first = std::strtol(std::string(v.substr(0, dot)).c_str(), nullptr, 10);
        if (dot != std::string_view::npos) p.second = std::strtol(std::string(v.substr(dot + 1)).c_str(), nullptr, 10);
        return p;
    };
    return parts(a) < parts(b);
}

std::string timestamp_param(std::chrono::system_clock::time_point t) {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    return fmt::format("{}.{:09}", ns / 1'000'000'000, ns % 1'000'000'000);
}

std::string logs_query(const LogOptions& opts, bool follow) {
    std::string q = "stdout=1&stderr=1";
    q += opts.tail ? fmt::format("&tail={}", std::max(0, *opts.tail)) : std::string("&tail=all");
    if (opts.since) q += "&since=" + timestamp_param(*opts.since);
    if (opts.timestamps) q += "&timestamps=1";
    if (follow) q += "&follow=1";
    return q;
}

std::string quoted_command(const std::vector<std::string>& argv) { return fmt::format("`{}`", fmt::join(argv, " ")); }

}  // namespace

DockerApi::DockerApi(std::string docker_host) {
    host_ = docker_host.empty() ? resolve_engine().address : docker_host;
    if (host_.starts_with("unix://")) {
        socket_ = host_.substr(7);
        base_ = "http://localhost";
        http_ = std::make_unique<HttpClient>(socket_);
    } else if (host_.starts_with("tcp://")) {
        std::string authority = host_.substr(6);
        if (auto slash = authority.find('/'); slash != std::string::npos) authority.erase(slash);
        base_ = "http://" + authority;
        http_ = std::make_unique<HttpClient>();
    } else if (host_.starts_with("ssh://")) {
        if (parse_ssh_address(host_).host.empty())
            throw Error(ErrorKind::engine, fmt::format("DOCKER_HOST={} names no host", host_)).hint("e.g. DOCKER_HOST=ssh://user@builder");
        ssh_ = std::make_unique<SshDialer>(host_);
        // libcurl connects to the dialer's own socket; each connection becomes one ssh.
        socket_ = ssh_->socket_path();
        base_ = "http://localhost";
        http_ = std::make_unique<HttpClient>(socket_);
    } else {
        throw Error(ErrorKind::engine, fmt::format("DOCKER_HOST={} is not supported", host_))
            .hint("devenv talks to unix:///path/to/docker.sock, tcp://host:port and ssh://[user@]host[:port] engines");
    }
}

DockerApi::~DockerApi() = default;

Error DockerApi::unreachable_error(const std::string& curl_error) {
    if (!ssh_) return unreachable(host_, socket_, curl_error);
    std::vector<std::string> hints;
    std::string said = ssh_->failure(hints);
    Error e(ErrorKind::engine, fmt::format("cannot reach the Docker engine at {}: {}", host_, said.empty() ? curl_error : said));
    if (!said.empty()) e.detail(fmt::format("the connection ended: {}", curl_error));
    for (const auto& h : hints) e.hint(h);
    return e;
}

HttpResponse DockerApi::send(HttpRequest req, std::string_view what) {
    req.connect_timeout = kConnectTimeout;
    // The first request over ssh includes ssh's own handshake: give it the ping's bound, as when
    // a ping went first.
    if (ssh_ && !answered_ && req.timeout.count() > 0 && req.timeout < first_answer()) req.timeout = first_answer();
    HttpResponse r = http_->send(req);
    if (!r.ok()) {
        if (r.error.starts_with("Operation timed out"))  // connected, then no answer
            throw Error(ErrorKind::engine, fmt::format("the Docker engine at {} did not answer {} in time: {}", host_, what, r.error))
                .hint("the engine may be overloaded; `docker info` shows whether it answers at all");
        throw unreachable_error(r.error);
    }
    answered_ = true;
    // The request went out with the pinned version, unasked. An engine older than that answers
    // 400 "client version 1.41 is too new. Maximum supported API version is 1.40": ask its
    // version once, and send the request again in it.
    if (r.status == 400 && api_version_.empty() && engine_message(r).find("is too new") != std::string::npos) {
        std::string pinned = fmt::format("/v{}/", kPinnedApi);
        auto at = req.url.find(pinned);
        const std::string& engine = api_version();
        if (at != std::string::npos && engine != kPinnedApi) {
            req.url.replace(at, pinned.size(), fmt::format("/v{}/", engine));
            return send(std::move(req), what);
        }
    }
    return r;
}

// The engine's API version when it is older than the pinned one, else the pinned one; asked
// with a ping. Requests do not wait for it: they go out in the pinned version, and send() asks
// only when an engine refuses that as too new (one round trip saved on every command).
const std::string& DockerApi::api_version() {
    if (api_version_.empty()) {
        HttpRequest req;
        req.url = base_ + "/_ping";
        req.timeout = first_answer();
        HttpResponse r = send(req, "a ping");
        note_api_version(r);
    }
    return api_version_;
}

void DockerApi::note_api_version(const HttpResponse& ping) {
    std::string engine = ping.header("Api-Version");
    api_version_ = !engine.empty() && api_older(engine, kPinnedApi) ? engine : std::string(kPinnedApi);
}

std::string DockerApi::url(const std::string& path) {
    return fmt::format("{}/v{}{}", base_, api_version_.empty() ? kPinnedApi : std::string_view(api_version_), path);
}

nlohmann::json DockerApi::get_json(const std::string& path, std::string_view what) {
    HttpRequest req;
    req.url = url(path);
    req.timeout = kReadTimeout;
    HttpResponse r = send(req, what);
    if (r.status == 404) return nullptr;
    if (r.status >= 400)
        throw Error(ErrorKind::engine, fmt::format("the Docker engine refused to {}: {}", what, engine_message(r)))
            .hint(fmt::format("`docker` against {} shows the engine's view", host_));
    try {
        return nlohmann::json::parse(r.body);
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::engine, fmt::format("the Docker engine's answer to {} is not JSON: {}", what, e.what()))
            .hint("is DOCKER_HOST pointing at a Docker engine?");
    }
}

void DockerApi::ping() {
    HttpRequest req;
    req.url = base_ + "/_ping";  // unversioned: its answer names the engine's API version
    req.timeout = first_answer();
    HttpResponse r = send(req, "a ping");
    if (r.status != 200)
        throw Error(ErrorKind::engine, fmt::format("the Docker engine at {} answers its ping with: {}", host_, engine_message(r)))
            .hint("start the engine (e.g. `sudo systemctl start docker` or dockerd), or set DOCKER_HOST");
    if (api_version_.empty()) note_api_version(r);
}

nlohmann::json DockerApi::version() {
    nlohmann::json v = get_json("/version", "report its version");
    if (!v.is_object()) throw Error(ErrorKind::engine, "the Docker engine has no /version").hint("is DOCKER_HOST pointing at a Docker engine?");
    return v;
}

nlohmann::json DockerApi::info() {
    nlohmann::json v = get_json("/info", "report its configuration");
    if (!v.is_object()) throw Error(ErrorKind::engine, "the Docker engine has no /info").hint("is DOCKER_HOST pointing at a Docker engine?");
    return v;
}

void DockerApi::remove_container(const std::string& id) {
    HttpRequest req;
    req.method = "DELETE";
    req.url = url(fmt::format("/containers/{}?force=1", url_encode(id)));
    req.timeout = kReadTimeout;
    HttpResponse r = send(req, fmt::format("remove container {}", id));
    if (r.status >= 400 && r.status != 404)
        throw Error(ErrorKind::engine, fmt::format("the Docker engine refused to remove container {}: {}", id, engine_message(r)));
}

std::string DockerApi::run_container(const nlohmann::json& spec, const std::string& name) {
    HttpRequest create;
    create.method = "POST";
    create.url = url("/containers/create?name=" + url_encode(name));
    create.headers = {{"Content-Type", "application/json"}};
    create.body = spec.dump();
    create.timeout = kReadTimeout;
    HttpResponse c = send(create, fmt::format("create container {}", name));
    if (c.status != 201)
        throw Error(ErrorKind::engine, fmt::format("the Docker engine refused to create container {}: {}", name, engine_message(c)));
    std::string id;
    try {
        id = nlohmann::json::parse(c.body).value("Id", "");
    } catch (const nlohmann::json::exception&) {
    }
    if (id.empty()) throw Error(ErrorKind::engine, fmt::format("the Docker engine returned no id for container {}", name));
    HttpRequest start;
    start.method = "POST";
    start.url = url(fmt::format("/containers/{}/start", id));
    start.timeout = kReadTimeout;
    HttpResponse s = send(start, fmt::format("start container {}", name));
    if (s.status >= 400) {
        std::string why = engine_message(s);
        remove_container(id);
        throw Error(ErrorKind::engine, fmt::format("the Docker engine could not start container {}: {}", name, why));
    }
    return id;
}

bool DockerApi::image_exists(const std::string& ref) {
    return !get_json("/images/" + url_encode(ref) + "/json", fmt::format("inspect image {}", ref)).is_null();
}

long DockerApi::pull_image(const std::string& name, const std::string& tag, const std::string& registry_auth,
                           const std::function<bool(std::string_view line)>& on_line, const std::atomic<bool>* cancel) {
    (void)api_version();  // a stream is not sent again on "too new": settle the version first
    HttpRequest req;
    req.method = "POST";
    req.url = url(fmt::format("/images/create?fromImage={}&tag={}", url_encode(name), url_encode(tag)));
    if (!registry_auth.empty()) req.headers.emplace_back("X-Registry-Auth", registry_auth);
    req.timeout = 0ms;  // as long as the pull takes
    req.connect_timeout = kConnectTimeout;
    req.stall_timeout = 120s;
    req.cancel = cancel;
    LineSplitter lines;
    bool stopped = false;
    HttpResponse r = http_->stream(req, [&](std::string_view data) {
        lines.feed(data, [&](std::string_view line) {
            if (!stopped && !on_line(line)) stopped = true;
        });
        return !stopped;
    });
    if (!r.ok()) {
        if (r.error == "cancelled") return 0;
        if (r.error.find("too slow") != std::string::npos || r.error.find("Operation too slow") != std::string::npos)
            throw Error(ErrorKind::engine, fmt::format("the pull of {}:{} made no progress for 2 minutes", name, tag))
                .hint("the registry or the network stalled; try again, or `docker pull` to see the engine's own view");
        throw unreachable(host_, socket_, r.error);
    }
    lines.finish([&](std::string_view line) {
        if (!stopped) on_line(line);
    });
    return r.status;
}

std::vector<ContainerInfo> DockerApi::list_project_brief(const std::string& project) {
    nlohmann::json filters = {{"label", {"com.docker.compose.project=" + project}}};
    nlohmann::json list = get_json("/containers/json?all=1&filters=" + url_encode(filters.dump()),
                                   fmt::format("list the containers of project {}", project));
    std::vector<ContainerInfo> out;
    if (list.is_array())
        for (const auto& j : list) out.push_back(container_from_list(j));
    std::sort(out.begin(), out.end(), [](const ContainerInfo& a, const ContainerInfo& b) { return a.name < b.name; });
    return out;
}

std::vector<ContainerInfo> DockerApi::list_project(const std::string& project) {
    std::vector<ContainerInfo> out;
    for (auto& c : list_project_brief(project)) {
        nlohmann::json details = get_json("/containers/" + c.id + "/json", fmt::format("inspect container {}", c.name));
        if (details.is_null()) continue;  // removed since the list was made
        apply_container_inspect(c, details);
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<ContainerInfo> DockerApi::list_running() {
    nlohmann::json list = get_json("/containers/json", "list the running containers");
    std::vector<ContainerInfo> out;
    if (list.is_array())
        for (const auto& j : list) out.push_back(container_from_list(j));
    std::sort(out.begin(), out.end(), [](const ContainerInfo& a, const ContainerInfo& b) { return a.name < b.name; });
    return out;
}

std::vector<std::string> DockerApi::containers_publishing(int port) {
    nlohmann::json filters = {{"publish", {std::to_string(port)}}};
    nlohmann::json list;
    try {
        list = get_json("/containers/json?filters=" + url_encode(filters.dump()),
                        fmt::format("list containers publishing port {}", port));
    } catch (const Error& e) {
        // Podman 4.3's compatible API refuses the filter ("publish is an invalid filter"):
        // every running container, and their ports read here.
        if (e.message().find("invalid filter") == std::string::npos) throw;
        nlohmann::json all = get_json("/containers/json", "list the running containers");
        list = nlohmann::json::array();
        if (all.is_array())
            for (const auto& j : all) {
                ContainerInfo c = container_from_list(j);
                if (std::any_of(c.ports.begin(), c.ports.end(), [&](const PortBinding& b) { return b.host_port == port; }))
                    list.push_back(j);
            }
    }
    std::vector<std::string> out;
    if (!list.is_array()) return out;
    for (const auto& j : list) {
        ContainerInfo c = container_from_list(j);
        std::string project = j.contains("Labels") ? json_str(j["Labels"], "com.docker.compose.project") : std::string();
        std::string name = c.name.empty() ? c.id : c.name;
        out.push_back(project.empty() ? fmt::format("container {}", name)
                                      : fmt::format("container {} (Compose project {})", name, project));
    }
    return out;
}

ContainerInfo DockerApi::inspect(const std::string& id_or_name) {
    nlohmann::json j = get_json("/containers/" + url_encode(id_or_name) + "/json", fmt::format("inspect container {}", id_or_name));
    if (j.is_null())
        throw Error(ErrorKind::engine, fmt::format("there is no container {}", id_or_name))
            .hint("`devenv status` lists the environment's containers; `devenv up` creates them");
    ContainerInfo c;
    apply_container_inspect(c, j);
    parse_container_status(c);  // status text is list-only; keep inspect's health
    return c;
}

void DockerApi::inspect_details(ContainerInfo& c) {
    nlohmann::json j = get_json("/containers/" + c.id + "/json", fmt::format("inspect container {}", c.name));
    if (!j.is_null()) apply_container_inspect(c, j);
}

bool DockerApi::is_tty(const std::string& id) { return inspect(id).tty; }

std::string DockerApi::logs(const std::string& id, const LogOptions& opts) {
    bool tty = is_tty(id);
    HttpRequest req;
    req.url = url(fmt::format("/containers/{}/logs?{}", url_encode(id), logs_query(opts, false)));
    req.timeout = 30s;
    HttpResponse r = send(req, "send logs");
    if (r.status >= 400)
        throw Error(ErrorKind::engine, fmt::format("cannot read the logs of {}: {}", id, engine_message(r)))
            .hint("the container's logging driver must be json-file, local or journald for logs to be readable");
    std::string text;
    DockerStreamDemuxer(tty).feed(r.body, [&](StdStream, std::string_view chunk) {
        text.append(chunk);
        return true;
    });
    return text;
}

std::string DockerApi::logs(const std::string& id, int tail) {
    LogOptions opts;
    if (tail > 0) opts.tail = tail;
    return logs(id, opts);
}

void DockerApi::follow_logs(const std::string& id, const LogOptions& opts,
                            const std::function<bool(std::string_view)>& on_chunk) {
    // Also proves the container exists, so an error answer never reaches the demuxer.
    DockerStreamDemuxer demuxer(is_tty(id));
    HttpRequest req;
    req.url = url(fmt::format("/containers/{}/logs?{}", url_encode(id), logs_query(opts, true)));
    req.timeout = 0ms;  // as long as the container runs
    req.connect_timeout = kConnectTimeout;
    HttpResponse r = http_->stream(req, [&](std::string_view data) {
        return demuxer.feed(data, [&](StdStream, std::string_view text) { return on_chunk(text); });
    });
    if (!r.ok()) throw unreachable_error(r.error);
}

void DockerApi::follow_logs(const std::string& id, int tail, const std::function<bool(std::string_view)>& on_chunk) {
    LogOptions opts;
    if (tail >= 0) opts.tail = tail;
    follow_logs(id, opts, on_chunk);
}

ExecResult DockerApi::exec(const std::string& id, const std::vector<std::string>& argv, const ExecOptions& opts) {
    std::string what = fmt::format("run {} in {}", quoted_command(argv), id);
    nlohmann::json spec = {{"Cmd", argv}, {"AttachStdin", false}, {"AttachStdout", true}, {"AttachStderr", true}, {"Tty", false}};
    if (!opts.env.empty()) spec["Env"] = opts.env;
    if (!opts.user.empty()) spec["User"] = opts.user;
    if (!opts.workdir.empty()) spec["WorkingDir"] = opts.workdir;
    HttpRequest create;
    create.method = "POST";
    create.url = url(fmt::format("/containers/{}/exec", url_encode(id)));
    create.headers = {{"Content-Type", "application/json"}};
    create.body = spec.dump();
    create.timeout = kReadTimeout;
    HttpResponse c = send(create, what);
    if (c.status == 404)
        throw Error(ErrorKind::engine, fmt::format("cannot {}: there is no such container", what))
            .hint("`devenv status` lists the environment's containers");
    if (c.status == 409)
        throw Error(ErrorKind::engine, fmt::format("cannot {}: {}", what, engine_message(c)))
            .hint("`devenv status` shows why it stopped; `devenv up` starts it again");
    if (c.status != 201) throw Error(ErrorKind::engine, fmt::format("cannot {}: {}", what, engine_message(c))).hint("`docker info` shows the engine's state");
    std::string exec_id;
    try {
        exec_id = nlohmann::json::parse(c.body).value("Id", "");
    } catch (const nlohmann::json::exception&) {
    }
    if (exec_id.empty()) throw Error(ErrorKind::engine, fmt::format("cannot {}: the engine returned no exec id", what)).hint("`docker info` shows the engine's state");

    HttpRequest start;
    start.method = "POST";
    start.url = url(fmt::format("/exec/{}/start", exec_id));
    start.headers = {{"Content-Type", "application/json"}};
    start.body = R"({"Detach":false,"Tty":false})";
    start.timeout = opts.timeout;
    HttpResponse s = http_->send(start);
    if (!s.ok() && s.error.find("timed out") != std::string::npos)
        throw Error(ErrorKind::engine, fmt::format("{} did not finish within {} ms", quoted_command(argv), opts.timeout.count()))
            .hint("the command may be waiting for input or for a service that is not up; it still runs in the container");
    if (!s.ok()) throw unreachable_error(s.error);
    if (s.status >= 400) throw Error(ErrorKind::engine, fmt::format("cannot {}: {}", what, engine_message(s))).hint("`docker info` shows the engine's state");
    DemuxedOutput output = demux_docker_stream(s.body, false);

    // The stream ends when the process closes its output; the engine records the exit code a
    // moment later.
    auto deadline = std::chrono::steady_clock::now() + 2s;
    while (true) {
        nlohmann::json info = get_json(fmt::format("/exec/{}/json", exec_id), what);
        if (info.is_object() && !(info.contains("Running") && info["Running"].is_boolean() && info["Running"].get<bool>()) && info.contains("ExitCode") && info["ExitCode"].is_number_integer())
            return ExecResult{info["ExitCode"].get<int>(), std::move(output.out), std::move(output.err)};
        if (std::chrono::steady_clock::now() > deadline)
            throw Error(ErrorKind::engine, fmt::format("cannot {}: the engine reports no exit code", what))
                .hint("`docker info` shows the engine's state");
        std::this_thread::sleep_for(5ms);
    }
}

int DockerApi::exec(const std::string& id, const std::vector<std::string>& argv, std::string* output) {
    ExecResult r = exec(id, argv, ExecOptions{});
    if (output) *output = r.out + r.err;
    return r.exit_code;
}

}  // namespace devenv

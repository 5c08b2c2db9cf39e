#include "engine/docker_api.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "net/http.hpp"
#include "util/error.hpp"

namespace devenv {

namespace {
constexpr const char* kApi = "/v1.41";

Error engine_error(const std::string& host, const std::string& why) {
    Error e(ErrorKind::engine, fmt::format("cannot reach the Docker engine at {}: {}", host, why));
    e.hint("start the engine (`sudo systemctl start docker`, Docker Desktop, or `dockerd`), or point DOCKER_HOST at it");
    e.hint("`devenv doctor` checks the engine, Compose and ports");
    return e;
}

std::string url_escape(const std::string& s) {
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else out += fmt::format("%{:02X}", c);
    }
    return out;
}

// "Exited (3) 2 seconds ago" -> 3; "Up 5 seconds (healthy)" -> health "healthy".
void parse_status(ContainerInfo& c) {
    auto open = c.status.find('(');
    auto close = c.status.find(')', open);
    if ((c.state == "exited" || c.state == "restarting") && open != std::string::npos && close != std::string::npos) {
        try {
            c.exit_code = std::stoi(c.status.substr(open + 1, close - open - 1));
        } catch (...) {
        }
    }
    if (c.status.find("(healthy)") != std::string::npos) c.health = "healthy";
    else if (c.status.find("(unhealthy)") != std::string::npos) c.health = "unhealthy";
    else if (c.status.find("(health: starting)") != std::string::npos) c.health = "starting";
}
}  // namespace

std::string demux_docker_stream(std::string_view raw) {
    std::string out;
    std::size_t i = 0;
    while (i + 8 <= raw.size()) {
        unsigned char kind = static_cast<unsigned char>(raw[i]);
        if (kind > 2 || raw[i + 1] != 0 || raw[i + 2] != 0 || raw[i + 3] != 0) return std::string(raw);
        std::size_t len = (static_cast<std::size_t>(static_cast<unsigned char>(raw[i + 4])) << 24) |
                          (static_cast<std::size_t>(static_cast<unsigned char>(raw[i + 5])) << 16) |
                          (static_cast<std::size_t>(static_cast<unsigned char>(raw[i + 6])) << 8) |
                          static_cast<std::size_t>(static_cast<unsigned char>(raw[i + 7]));
        if (i + 8 + len > raw.size()) len = raw.size() - i - 8;
        out.append(raw.substr(i + 8, len));
        i += 8 + len;
    }
    if (i < raw.size() && out.empty()) return std::string(raw);
    return out;
}

DockerApi::DockerApi(std::string docker_host) {
    if (docker_host.empty()) {
        const char* env = std::getenv("DOCKER_HOST");
        docker_host = env && *env ? env : "unix:///var/run/docker.sock";
    }
    host_ = docker_host;
    if (host_.starts_with("unix://")) {
        socket_ = host_.substr(7);
        base_ = "http://localhost";
    } else if (host_.starts_with("tcp://")) {
        base_ = "http://" + host_.substr(6);
    } else {
        throw Error(ErrorKind::engine, fmt::format("DOCKER_HOST={} is not supported", host_))
            .hint("devenv talks to unix:///path/docker.sock or tcp://host:port (ssh:// is not supported)");
    }
    http_ = std::make_unique<HttpClient>(socket_);
}

DockerApi::~DockerApi() = default;

std::string DockerApi::url(const std::string& path) const { return base_ + kApi + path; }

nlohmann::json DockerApi::get_json(const std::string& path) {
    HttpRequest req;
    req.url = url(path);
    req.timeout = std::chrono::milliseconds(10000);
    req.connect_timeout = std::chrono::milliseconds(1000);
    HttpResponse r = http_->send(req);
    if (!r.ok()) throw engine_error(host_, r.error);
    if (r.status >= 400) {
        std::string msg = r.body;
        try {
            msg = nlohmann::json::parse(r.body).value("message", r.body);
        } catch (...) {
        }
        throw Error(ErrorKind::engine, fmt::format("Docker engine: GET {} failed: HTTP {}: {}", path, r.status, msg));
    }
    try {
        return nlohmann::json::parse(r.body);
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::engine, fmt::format("Docker engine: GET {}: unreadable answer: {}", path, e.what()));
    }
}

void DockerApi::ping() {
    HttpRequest req;
    req.url = url("/_ping");
    req.timeout = std::chrono::milliseconds(2000);
    req.connect_timeout = std::chrono::milliseconds(1000);
    HttpResponse r = http_->send(req);
    if (!r.ok()) throw engine_error(host_, r.error);
    if (r.status != 200) throw engine_error(host_, fmt::format("HTTP {} from /_ping", r.status));
}

nlohmann::json DockerApi::version() { return get_json("/version"); }

std::vector<ContainerInfo> DockerApi::list_project(const std::string& project) {
    nlohmann::json filters = {{"label", {"com.docker.compose.project=" + project}}};
    nlohmann::json list = get_json("/containers/json?all=1&filters=" + url_escape(filters.dump()));
    std::vector<ContainerInfo> out;
    for (const auto& j : list) {
        ContainerInfo c;
        c.id = j.value("Id", "");
        if (j.contains("Names") && !j["Names"].empty()) {
            c.name = j["Names"][0].get<std::string>();
            if (!c.name.empty() && c.name[0] == '/') c.name.erase(0, 1);
        }
        c.image = j.value("Image", "");
        c.state = j.value("State", "");
        c.status = j.value("Status", "");
        if (j.contains("Labels") && j["Labels"].is_object())
            c.service = j["Labels"].value("com.docker.compose.service", "");
        if (j.contains("Ports"))
            for (const auto& p : j["Ports"])
                c.ports.push_back({p.value("PrivatePort", 0), p.value("Type", ""), p.value("IP", ""), p.value("PublicPort", 0)});
        parse_status(c);
        if (c.state != "running") inspect_details(c);
        out.push_back(std::move(c));
    }
    std::sort(out.begin(), out.end(), [](const ContainerInfo& a, const ContainerInfo& b) { return a.name < b.name; });
    return out;
}

void DockerApi::inspect_details(ContainerInfo& c) {
    nlohmann::json j = get_json("/containers/" + c.id + "/json");
    c.restart_count = j.value("RestartCount", 0);
    if (j.contains("State")) {
        const auto& s = j["State"];
        c.exit_code = s.value("ExitCode", 0);
        c.started_at = s.value("StartedAt", "");
        if (s.contains("Health") && s["Health"].is_object()) {
            c.health = s["Health"].value("Status", "");
            const auto& log = s["Health"]["Log"];
            if (log.is_array() && !log.empty()) {
                std::string last = log.back().value("Output", "");
                while (!last.empty() && (last.back() == '\n' || last.back() == ' ')) last.pop_back();
                c.health_log = last;
            }
        }
    }
}

std::string DockerApi::logs(const std::string& id, int tail) {
    HttpRequest req;
    req.url = url(fmt::format("/containers/{}/logs?stdout=1&stderr=1&tail={}", id,
                              tail > 0 ? std::to_string(tail) : std::string("all")));
    req.timeout = std::chrono::milliseconds(10000);
    HttpResponse r = http_->send(req);
    if (!r.ok()) throw engine_error(host_, r.error);
    if (r.status >= 400) throw Error(ErrorKind::engine, fmt::format("Docker engine: logs of {}: HTTP {}", id, r.status));
    return demux_docker_stream(r.body);
}

void DockerApi::follow_logs(const std::string& id, int tail, const std::function<bool(std::string_view)>& on_chunk) {
    HttpRequest req;
    req.url = url(fmt::format("/containers/{}/logs?stdout=1&stderr=1&follow=1&tail={}", id,
                              tail >= 0 ? std::to_string(tail) : std::string("all")));
    req.timeout = std::chrono::hours(24 * 365);
    std::string pending;
    HttpResponse r = http_->stream(req, [&](std::string_view data) {
        pending.append(data);
        // Emit whole frames only.
        std::size_t i = 0;
        std::string text;
        while (i + 8 <= pending.size()) {
            std::size_t len = (static_cast<std::size_t>(static_cast<unsigned char>(pending[i + 4])) << 24) |
                              (static_cast<std::size_t>(static_cast<unsigned char>(pending[i + 5])) << 16) |
                              (static_cast<std::size_t>(static_cast<unsigned char>(pending[i + 6])) << 8) |
                              static_cast<std::size_t>(static_cast<unsigned char>(pending[i + 7]));
            if (i + 8 + len > pending.size()) break;
            text.append(pending, i + 8, len);
            i += 8 + len;
        }
        pending.erase(0, i);
        return text.empty() ? true : on_chunk(text);
    });
    if (!r.ok() && r.error.find("Failed writing") == std::string::npos) throw engine_error(host_, r.error);
}

int DockerApi::exec(const std::string& id, const std::vector<std::string>& argv, std::string* output) {
    HttpRequest create;
    create.method = "POST";
    create.url = url(fmt::format("/containers/{}/exec", id));
    create.headers = {{"Content-Type", "application/json"}};
    create.body = nlohmann::json{{"Cmd", argv}, {"AttachStdout", true}, {"AttachStderr", true}}.dump();
    HttpResponse r = http_->send(create);
    if (!r.ok()) throw engine_error(host_, r.error);
    if (r.status != 201) throw Error(ErrorKind::engine, fmt::format("Docker engine: exec in {}: HTTP {}: {}", id, r.status, r.body));
    std::string exec_id = nlohmann::json::parse(r.body).value("Id", "");
    HttpRequest start;
    start.method = "POST";
    start.url = url(fmt::format("/exec/{}/start", exec_id));
    start.headers = {{"Content-Type", "application/json"}};
    start.body = R"({"Detach":false,"Tty":false})";
    start.timeout = std::chrono::minutes(10);
    HttpResponse s = http_->send(start);
    if (!s.ok()) throw engine_error(host_, s.error);
    if (output) *output = demux_docker_stream(s.body);
    nlohmann::json info = get_json(fmt::format("/exec/{}/json", exec_id));
    return info.value("ExitCode", -1);
}

}  // namespace devenv

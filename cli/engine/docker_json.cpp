#include "engine/docker_json.hpp"

#include <cctype>
#include <cstdlib>
#include <cstdint>
#include <ctime>
#include <limits>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace devenv {

std::string json_str(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return {};
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

namespace {

// An int field; 0 when absent, not an integer, or out of int's range.
int integer(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return 0;
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) return 0;
    if (it->is_number_unsigned())
        return it->get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<int>::max())
                   ? static_cast<int>(it->get<std::uint64_t>())
                   : 0;
    auto v = it->get<std::int64_t>();
    return v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max() ? static_cast<int>(v) : 0;
}

// A boolean field; false when absent or not a boolean (json::value would throw on "yes" or 1).
bool boolean(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return false;
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

// The engine writes "0001-01-01T00:00:00Z" for a time that has not happened.
std::string engine_time(std::string t) { return t.starts_with("0001-01-01") ? std::string() : t; }

// "" for a time fmt cannot show (before 1970 or after 9999: an engine's answer, not a clock).
std::string rfc3339(std::int64_t unix_seconds) {
    if (unix_seconds < 0 || unix_seconds > 253402300799) return {};
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(static_cast<std::time_t>(unix_seconds)));
}

std::string without_slash(std::string name) {
    if (!name.empty() && name.front() == '/') name.erase(0, 1);
    return name;
}

}  // namespace

// The list has no exit code or health field, but its status text carries both:
// "Exited (3) 2 seconds ago", "Up 5 seconds (health: starting)".
void parse_container_status(ContainerInfo& c) {
    auto open = c.status.find('(');
    auto close = c.status.find(')', open);
    if ((c.state == "exited" || c.state == "restarting") && open != std::string::npos && close != std::string::npos) {
        c.exit_code = std::atoi(c.status.substr(open + 1, close - open - 1).c_str());
    }
    if (c.status.find("(healthy)") != std::string::npos) c.health = "healthy";
    else if (c.status.find("(unhealthy)") != std::string::npos) c.health = "unhealthy";
    else if (c.status.find("(health: starting)") != std::string::npos) c.health = "starting";
}

ContainerInfo container_from_list(const nlohmann::json& j) {
    ContainerInfo c;
    c.id = json_str(j, "Id");
    if (j.contains("Names") && j["Names"].is_array() && !j["Names"].empty() && j["Names"][0].is_string())
        c.name = without_slash(j["Names"][0].get<std::string>());
    c.image = json_str(j, "Image");
    c.state = json_str(j, "State");
    c.status = json_str(j, "Status");
    if (j.contains("Labels")) c.service = json_str(j["Labels"], "com.docker.compose.service");
    if (j.contains("Created") && j["Created"].is_number_integer() && !j["Created"].is_number_unsigned())
        c.created_at = rfc3339(j["Created"].get<std::int64_t>());
    else if (j.contains("Created") && j["Created"].is_number_unsigned() &&
             j["Created"].get<std::uint64_t>() <= 253402300799u)
        c.created_at = rfc3339(static_cast<std::int64_t>(j["Created"].get<std::uint64_t>()));
    if (j.contains("Ports") && j["Ports"].is_array())
        for (const auto& p : j["Ports"])
            c.ports.push_back({integer(p, "PrivatePort"), json_str(p, "Type"), json_str(p, "IP"), integer(p, "PublicPort")});
    parse_container_status(c);
    return c;
}

namespace {

// NetworkSettings.Ports: {"6379/tcp": [{"HostIp": "0.0.0.0", "HostPort": "49153"}] or null}.
std::vector<PortBinding> ports_from_inspect(const nlohmann::json& ports) {
    std::vector<PortBinding> out;
    if (!ports.is_object()) return out;
    for (const auto& [key, bindings] : ports.items()) {
        PortBinding base;
        auto slash = key.find('/');
        base.container_port = std::atoi(key.substr(0, slash).c_str());
        base.proto = slash == std::string::npos ? "tcp" : key.substr(slash + 1);
        if (!bindings.is_array() || bindings.empty()) {
            out.push_back(base);
            continue;
        }
        for (const auto& b : bindings) {
            PortBinding p = base;
            p.host_ip = json_str(b, "HostIp");
            p.host_port = std::atoi(json_str(b, "HostPort").c_str());
            out.push_back(p);
        }
    }
    return out;
}

}  // namespace

void apply_container_inspect(ContainerInfo& c, const nlohmann::json& j) {
    if (c.id.empty()) c.id = json_str(j, "Id");
    if (c.name.empty()) c.name = without_slash(json_str(j, "Name"));
    if (c.created_at.empty()) c.created_at = json_str(j, "Created");
    c.restart_count = integer(j, "RestartCount");
    if (j.contains("Config")) {
        const auto& config = j["Config"];
        if (c.image.empty()) c.image = json_str(config, "Image");
        if (c.service.empty() && config.contains("Labels")) c.service = json_str(config["Labels"], "com.docker.compose.service");
        c.tty = boolean(config, "Tty");
    }
    if (c.ports.empty() && j.contains("NetworkSettings") && j["NetworkSettings"].is_object() &&
        j["NetworkSettings"].contains("Ports"))
        c.ports = ports_from_inspect(j["NetworkSettings"]["Ports"]);
    if (!j.contains("State") || !j["State"].is_object()) return;
    const auto& s = j["State"];
    // Later than the list, so fresher.
    if (auto state = json_str(s, "Status"); !state.empty()) c.state = state;
    c.exit_code = integer(s, "ExitCode");
    c.started_at = engine_time(json_str(s, "StartedAt"));
    c.finished_at = engine_time(json_str(s, "FinishedAt"));
    c.error = json_str(s, "Error");
    c.oom_killed = boolean(s, "OOMKilled");
    c.health.clear();
    c.health_log.clear();
    if (s.contains("Health") && s["Health"].is_object()) {
        c.health = json_str(s["Health"], "Status");
        // find, not operator[]: on a const object a missing key is an assertion (UB without one).
        auto log = s["Health"].find("Log");
        if (log != s["Health"].end() && log->is_array() && !log->empty()) {
            std::string last = json_str(log->back(), "Output");
            while (!last.empty() && std::isspace(static_cast<unsigned char>(last.back()))) last.pop_back();
            c.health_log = last;
        }
    }
}


}  // namespace devenv

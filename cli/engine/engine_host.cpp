#include "engine/engine_host.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace devenv {

namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultSocket = "unix:///var/run/docker.sock";

std::string get(const EngineLookup& l, std::string_view name) {
    std::optional<std::string> v = l.getenv ? l.getenv(name) : env_value(name);
    return v.value_or("");
}

fs::path under(const EngineLookup& l, const std::string& path) {
    return fs::path(l.root) / fs::path(path).relative_path();
}

// "user@host:port/path" -> host (brackets of an IPv6 literal removed) and the rest.
struct Authority {
    std::string user;
    std::string host;
    int port = 0;
};

Authority authority_of(std::string rest) {
    Authority a;
    if (auto slash = rest.find('/'); slash != std::string::npos) rest.erase(slash);
    if (auto at = rest.rfind('@'); at != std::string::npos) {
        a.user = rest.substr(0, at);
        rest.erase(0, at + 1);
    }
    std::string port;
    if (rest.starts_with('[')) {
        auto close = rest.find(']');
        a.host = rest.substr(1, close == std::string::npos ? std::string::npos : close - 1);
        if (close != std::string::npos && close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
    } else if (auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(':') == colon) {
        a.host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    } else {
        a.host = rest;
    }
    if (!port.empty()) a.port = std::atoi(port.c_str());
    return a;
}

// The engine's own address as devenv connects to it; throws for schemes it cannot use.
std::string host_of_address(const std::string& address, const std::string& shown) {
    if (address.starts_with("unix://")) return "";
    if (address.starts_with("tcp://") || address.starts_with("ssh://")) {
        Authority a = authority_of(address.substr(6));
        if (a.host.empty())
            throw Error(ErrorKind::engine, fmt::format("{} names no host", shown))
                .hint("e.g. DOCKER_HOST=tcp://docker:2375 or DOCKER_HOST=ssh://user@builder");
        return a.host;
    }
    throw Error(ErrorKind::engine, fmt::format("{} is not supported", shown))
        .hint("devenv talks to unix:///path/to/docker.sock, tcp://host:port and ssh://[user@]host[:port] engines");
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    if (!in) return {};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string config_dir(const EngineLookup& l) {
    std::string dir = get(l, "DOCKER_CONFIG");
    if (dir.empty()) dir = get(l, "HOME") + "/.docker";
    return dir;
}

// The current context's name and where that came from; "" for the default one.
std::pair<std::string, std::string> context_name(const EngineLookup& l) {
    std::string env = get(l, "DOCKER_CONTEXT");
    if (!env.empty()) return {env, "DOCKER_CONTEXT"};
    fs::path file = fs::path(config_dir(l)) / "config.json";
    std::string text = read_text(file);
    if (text.empty()) return {"", ""};
    try {
        nlohmann::json j = nlohmann::json::parse(text);
        if (j.is_object() && j.contains("currentContext") && j["currentContext"].is_string())
            return {j["currentContext"].get<std::string>(), file.string()};
    } catch (const nlohmann::json::exception&) {
        // The Docker CLI refuses a broken config too; devenv falls back to the default engine.
    }
    return {"", ""};
}

// The engine a named context points at.
std::string context_address(const EngineLookup& l, const std::string& name, const std::string& from) {
    std::string id = sha256_hex(name);
    fs::path meta = fs::path(config_dir(l)) / "contexts" / "meta" / id / "meta.json";
    std::string shown = fmt::format("docker context '{}' ({})", name, from);
    std::string text = read_text(meta);
    if (text.empty())
        throw Error(ErrorKind::engine, fmt::format("{} does not exist: there is no {}", shown, meta.string()))
            .hint("`docker context ls` lists the contexts; `docker context use default` (or unset DOCKER_CONTEXT) "
                  "goes back to the local engine");
    std::string host;
    try {
        nlohmann::json j = nlohmann::json::parse(text);
        const nlohmann::json* docker = nullptr;
        if (j.contains("Endpoints") && j["Endpoints"].is_object() && j["Endpoints"].contains("docker"))
            docker = &j["Endpoints"]["docker"];
        if (docker && docker->is_object() && docker->contains("Host") && (*docker)["Host"].is_string())
            host = (*docker)["Host"].get<std::string>();
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::engine, fmt::format("{}: {} is not JSON: {}", shown, meta.string(), e.what()))
            .hint("`docker context inspect` shows what the Docker CLI makes of it");
    }
    if (host.empty())
        throw Error(ErrorKind::engine, fmt::format("{} names no Docker endpoint (Endpoints.docker.Host in {})", shown,
                                                   meta.string()))
            .hint("`docker context inspect " + name + "` shows it; recreate it with `docker context create`");
    if (fs::exists(fs::path(config_dir(l)) / "contexts" / "tls" / id / "docker"))
        throw Error(ErrorKind::engine, fmt::format("{} uses TLS client certificates, which devenv does not speak", shown))
            .hint("reach the engine over ssh:// instead (`docker context create NAME --docker host=ssh://user@host`)");
    return host;
}

bool in_container(const EngineLookup& l) {
    return fs::exists(under(l, "/.dockerenv")) || fs::exists(under(l, "/run/.containerenv"));
}

// A bridge interface in this network namespace: an engine runs here (the container's own
// Docker-in-Docker), or this is the host's network (`--network host`).
bool has_bridge_interface(const EngineLookup& l) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(under(l, "/sys/class/net"), ec))
        if (fs::exists(e.path() / "bridge")) return true;
    return false;
}

bool hosts_file_names(const EngineLookup& l, const std::string& name) {
    std::istringstream in(read_text(under(l, "/etc/hosts")));
    for (std::string line; std::getline(in, line);) {
        line = line.substr(0, line.find('#'));
        std::istringstream words(line);
        std::string addr, w;
        words >> addr;
        while (words >> w)
            if (w == name) return true;
    }
    return false;
}

// The default route's gateway from /proc/net/route ("00000000" destination; hex, little-endian).
std::string default_gateway(const EngineLookup& l) {
    std::istringstream in(read_text(under(l, "/proc/net/route")));
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string iface, dest, gw;
        f >> iface >> dest >> gw;
        if (dest != "00000000" || gw.size() != 8) continue;
        unsigned long v = std::strtoul(gw.c_str(), nullptr, 16);
        if (v == 0) continue;
        return fmt::format("{}.{}.{}.{}", v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff);
    }
    return {};
}

void check_devenv_host(const std::string& h) {
    bool bad = h.find("://") != std::string::npos || h.find('/') != std::string::npos ||
               h.find_first_of(" \t") != std::string::npos;
    if (bad)
        throw Error(ErrorKind::usage, fmt::format("DEVENV_HOST={} is not a host name or address", h))
            .hint("DEVENV_HOST names the host the published ports are reached at, e.g. DEVENV_HOST=10.0.0.5 or "
                  "DEVENV_HOST=host.docker.internal; the engine itself comes from DOCKER_HOST or the docker context");
}

}  // namespace

bool is_loopback_host(const std::string& host) {
    return host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

bool EngineTarget::ports_on_this_machine() const { return is_loopback_host(host); }

SshAddress parse_ssh_address(const std::string& address) {
    Authority a = authority_of(address.starts_with("ssh://") ? address.substr(6) : address);
    return SshAddress{a.user, a.host, a.port};
}

EngineTarget resolve_engine(const EngineLookup& lookup) {
    EngineTarget t;
    if (std::string dh = get(lookup, "DOCKER_HOST"); !dh.empty()) {
        t.address = dh;
        t.source = "DOCKER_HOST";
    } else if (auto [name, from] = context_name(lookup); !name.empty() && name != "default") {
        t.context = name;
        t.source = fmt::format("docker context '{}' ({})", name, from);
        t.address = context_address(lookup, name, from);
    } else {
        t.address = kDefaultSocket;
        t.source = name == "default" ? fmt::format("docker context 'default' ({})", from) : "the default socket";
    }
    std::string shown = t.source == "DOCKER_HOST" ? fmt::format("DOCKER_HOST={}", t.address)
                                                  : fmt::format("{} ({})", t.address, t.source);
    std::string engine_host = host_of_address(t.address, shown);

    if (std::string over = get(lookup, "DEVENV_HOST"); !over.empty()) {
        check_devenv_host(over);
        t.host = over;
        t.host_source = "DEVENV_HOST";
    } else if (!engine_host.empty()) {
        // An engine on this machine's tcp port publishes on this machine too.
        t.host = engine_host == "0.0.0.0" || engine_host == "localhost" ? "127.0.0.1" : engine_host;
        t.host_source = "the engine's address";
    } else if (in_container(lookup) && !has_bridge_interface(lookup)) {
        std::string marker = fs::exists(under(lookup, "/.dockerenv")) ? "/.dockerenv" : "/run/.containerenv";
        if (hosts_file_names(lookup, "host.docker.internal")) {
            t.host = "host.docker.internal";
            t.host_source = fmt::format("devenv runs in a container ({}) on the engine's host: host.docker.internal "
                                        "(/etc/hosts)",
                                        marker);
        } else if (std::string gw = default_gateway(lookup); !gw.empty()) {
            t.host = gw;
            t.host_source = fmt::format("devenv runs in a container ({}) on the engine's host: its default gateway", marker);
        } else {
            t.host = "127.0.0.1";
            t.host_source = fmt::format("devenv runs in a container ({}) but has no default route: this machine", marker);
        }
    } else {
        t.host = "127.0.0.1";
        t.host_source = "a unix socket: this machine";
    }
    return t;
}

}  // namespace devenv

#include "engine/registry_auth.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/digest.hpp"
#include "util/env.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace devenv {

namespace {

using namespace std::chrono_literals;

constexpr const char* kHubKey = "https://index.docker.io/v1/";

std::string config_dir_or_default(const std::string& given) {
    if (!given.empty()) return given;
    if (auto d = env_value("DOCKER_CONFIG"); d && !d->empty()) return *d;
    return env_value("HOME").value_or("") + "/.docker";
}

// "https://ghcr.io/v2/" -> "ghcr.io"; Docker Hub's several names -> "docker.io".
std::string host_of_key(std::string key) {
    for (std::string_view scheme : {"https://", "http://"})
        if (key.starts_with(scheme)) key.erase(0, scheme.size());
    if (auto slash = key.find('/'); slash != std::string::npos) key.erase(slash);
    if (key == "index.docker.io" || key == "registry-1.docker.io" || key == "registry.hub.docker.com") key = "docker.io";
    return key;
}

const nlohmann::json* entry_for(const nlohmann::json& map, const std::string& registry) {
    if (!map.is_object()) return nullptr;
    for (auto it = map.begin(); it != map.end(); ++it)
        if (host_of_key(it.key()) == registry) return &it.value();
    return nullptr;
}

std::optional<RegistryCredentials> from_helper(const std::string& helper, const std::string& registry) {
    std::string program = "docker-credential-" + helper;
    std::string server = registry_config_key(registry);
    ProcessOptions o;
    o.stdin_data = server;
    o.timeout = 30s;
    ProcessResult r;
    try {
        r = run_process({program, "get"}, o);
    } catch (const Error&) {
        throw Error(ErrorKind::engine, fmt::format("the Docker credential helper {} (named in ~/.docker/config.json) cannot be run", program))
            .hint(fmt::format("install {} or remove it from the config's credsStore/credHelpers", program));
    }
    std::string said = std::string(trim(r.out + "\n" + r.err));
    if (r.exit_code != 0) {
        // What every helper of docker/docker-credential-helpers says when it holds nothing.
        if (lowercase(said).find("credentials not found") != std::string::npos) return std::nullopt;
        throw Error(ErrorKind::engine, fmt::format("the Docker credential helper {} failed for {} (exit {})", program, registry,
                                                   r.timed_out ? -1 : r.exit_code))
            .hint(fmt::format("`docker login {}` stores the credentials again", registry));
    }
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
    if (!j.is_object())
        throw Error(ErrorKind::engine, fmt::format("the Docker credential helper {} did not answer with JSON", program))
            .hint(fmt::format("`docker login {}` stores the credentials again", registry));
    RegistryCredentials c;
    c.server = server;
    c.source = program;
    std::string user = j.value("Username", "");
    std::string secret = j.value("Secret", "");
    // Helpers return "<token>" as the user name for an identity token.
    if (user == "<token>") c.identity_token = secret;
    else {
        c.username = user;
        c.password = secret;
    }
    return c;
}

}  // namespace

std::string registry_config_key(const std::string& registry) { return registry == "docker.io" ? kHubKey : registry; }

std::optional<RegistryCredentials> registry_credentials(const std::string& registry, const std::string& config_dir) {
    std::string path = config_dir_or_default(config_dir) + "/config.json";
    std::ifstream f(path);
    if (!f) return std::nullopt;
    std::stringstream buf;
    buf << f.rdbuf();
    nlohmann::json cfg = nlohmann::json::parse(buf.str(), nullptr, false);
    if (!cfg.is_object())
        throw Error(ErrorKind::engine, fmt::format("{} is not valid JSON, so devenv cannot read registry credentials from it", path))
            .hint("fix or remove the file (`docker login` writes it again)");
    // Copies kept alive here: entry_for points into them.
    const nlohmann::json helpers = cfg.value("credHelpers", nlohmann::json::object());
    const nlohmann::json auths = cfg.value("auths", nlohmann::json::object());
    if (const nlohmann::json* h = entry_for(helpers, registry); h && h->is_string())
        return from_helper(h->get<std::string>(), registry);
    if (auto store = cfg.find("credsStore"); store != cfg.end() && store->is_string() && !store->get<std::string>().empty())
        if (auto c = from_helper(store->get<std::string>(), registry)) return c;
    const nlohmann::json* e = entry_for(auths, registry);
    if (!e || !e->is_object()) return std::nullopt;
    RegistryCredentials c;
    c.server = registry_config_key(registry);
    c.source = fmt::format("auths in {}", path);
    c.identity_token = e->value("identitytoken", "");
    std::string auth = e->value("auth", "");
    if (!auth.empty()) {
        auto decoded = base64_decode(auth);
        auto colon = decoded ? decoded->find(':') : std::string::npos;
        if (!decoded || colon == std::string::npos)
            throw Error(ErrorKind::engine, fmt::format("the `auth` of {} in {} is not base64 of user:password", registry, path))
                .hint(fmt::format("`docker login {}` writes it again", registry));
        c.username = decoded->substr(0, colon);
        c.password = decoded->substr(colon + 1);
    }
    if (c.username.empty() && c.identity_token.empty()) return std::nullopt;
    return c;
}

std::string registry_auth_header(const RegistryCredentials& c) {
    nlohmann::json j = nlohmann::json::object();
    if (!c.identity_token.empty()) j["identitytoken"] = c.identity_token;
    else {
        j["username"] = c.username;
        j["password"] = c.password;
    }
    j["serveraddress"] = c.server;
    return base64_url(j.dump());
}

}  // namespace devenv

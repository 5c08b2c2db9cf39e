#include "lifecycle/registry_check.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/image_ref.hpp"
#include "net/http.hpp"
#include "util/parallel.hpp"

namespace devenv {

namespace {

using namespace std::chrono_literals;

std::string host_part(const std::string& registry) {
    if (registry.starts_with("[")) return registry.substr(1, registry.find(']') - 1);
    auto colon = registry.rfind(':');
    return colon != std::string::npos && registry.find(':') == colon ? registry.substr(0, colon) : registry;
}

bool in_cidr(const std::string& ip, const std::string& cidr) {
    auto slash = cidr.find('/');
    if (slash == std::string::npos) return false;
    in_addr a{}, net{};
    if (::inet_pton(AF_INET, ip.c_str(), &a) != 1 || ::inet_pton(AF_INET, cidr.substr(0, slash).c_str(), &net) != 1) return false;
    int bits = std::atoi(cidr.c_str() + slash + 1);
    if (bits < 0 || bits > 32) return false;
    std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    return (ntohl(a.s_addr) & mask) == (ntohl(net.s_addr) & mask);
}

RegistryAnswer ask(HttpClient& http, const std::string& registry, bool insecure, std::chrono::milliseconds timeout) {
    RegistryAnswer a;
    a.registry = registry;
    std::string host = registry_api_host(registry);
    // Docker tries HTTPS first and falls back to HTTP only for insecure registries.
    std::vector<std::string> schemes{"https"};
    if (insecure) schemes = {"http", "https"};
    for (const auto& scheme : schemes) {
        HttpRequest req;
        req.url = fmt::format("{}://{}/v2/", scheme, host);
        req.timeout = timeout;
        req.connect_timeout = timeout;
        a.url = req.url;
        HttpResponse r = http.send(req);
        if (!r.ok()) {
            a.detail = r.error;
            continue;
        }
        a.status = r.status;
        a.answers = r.status == 200 || r.status == 401;
        a.detail = a.answers ? "" : fmt::format("HTTP {} (not a registry API?)", r.status);
        return a;
    }
    return a;
}

}  // namespace

bool insecure_registry(const std::string& registry, const nlohmann::json& info) {
    if (loopback_registry(registry)) return true;
    if (!info.is_object() || !info.contains("RegistryConfig") || !info["RegistryConfig"].is_object()) return false;
    const auto& rc = info["RegistryConfig"];
    if (rc.contains("IndexConfigs") && rc["IndexConfigs"].is_object() && rc["IndexConfigs"].contains(registry)) {
        const auto& ic = rc["IndexConfigs"][registry];
        if (ic.is_object() && ic.contains("Secure") && ic["Secure"].is_boolean() && !ic["Secure"].get<bool>()) return true;
    }
    if (rc.contains("InsecureRegistryCIDRs") && rc["InsecureRegistryCIDRs"].is_array()) {
        std::string host = host_part(registry);
        for (const auto& c : rc["InsecureRegistryCIDRs"])
            if (c.is_string() && in_cidr(host, c.get<std::string>())) return true;
    }
    return false;
}

std::vector<RegistryAnswer> ask_registries(const std::vector<std::string>& registries, const nlohmann::json& engine_info,
                                           std::chrono::milliseconds timeout) {
    std::vector<RegistryAnswer> out(registries.size());
    ParallelOptions po;
    po.max_workers = 8;
    parallel_for(registries.size(), po, [] { return HttpClient(); }, [&](HttpClient& http, std::size_t i) {
        out[i] = ask(http, registries[i], insecure_registry(registries[i], engine_info), timeout);
    });
    return out;
}

DoctorCheck registries_check(const std::vector<std::string>& images, DockerApi& api) {
    DoctorCheck c;
    c.name = "registries";
    if (images.empty()) {
        c.summary = "every image is present or built: no registry needed";
        return c;
    }
    std::vector<std::string> registries;
    for (const auto& img : images) {
        std::string reg = parse_image_ref(img).registry;
        if (std::find(registries.begin(), registries.end(), reg) == registries.end()) registries.push_back(reg);
    }
    nlohmann::json info;
    try {
        info = api.info();
    } catch (const Error&) {
    }
    std::vector<std::string> ok, bad;
    for (const auto& a : ask_registries(registries, info, 3s)) {
        if (a.answers) ok.push_back(a.registry);
        else bad.push_back(fmt::format("{} ({}: {})", a.registry, a.url, a.detail));
    }
    if (bad.empty()) {
        c.summary = fmt::format("{} answer{} from here", fmt::join(ok, ", "), ok.size() == 1 ? "s" : "");
        return c;
    }
    c.state = DoctorCheck::State::fail;
    c.summary = fmt::format("no answer from {}, so `devenv up` cannot pull its images", fmt::join(bad, "; "));
    c.fix = "check the network (behind a proxy dockerd needs HTTPS_PROXY in its own environment); offline: `devenv pull` "
            "while connected, or `docker load` the images; a typo in the registry part of an image name shows here too";
    return c;
}

}  // namespace devenv

#pragma once
// `devenv doctor`'s registries check: the registry of every image that `up` would pull answers
// its API (GET /v2/: 200, or 401 asking for a login, both mean it is there), asked from this
// machine in parallel with a short timeout, over plain HTTP where Docker would use it (loopback
// registries and those the engine lists as insecure).
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lifecycle/doctor.hpp"

namespace devenv {

struct RegistryAnswer {
    std::string registry;  // "docker.io", "127.0.0.1:5000"
    std::string url;       // what was asked last: "https://registry-1.docker.io/v2/"
    bool answers = false;
    long status = 0;       // HTTP status, 0 when nothing answered
    std::string detail;    // why not: "Couldn't connect to server", "HTTP 404 (not a registry API?)"
};

// Whether Docker talks plain HTTP to `registry` given the engine's /info (`RegistryConfig`):
// loopback, an IndexConfigs entry with Secure false, or an address in InsecureRegistryCIDRs.
bool insecure_registry(const std::string& registry, const nlohmann::json& engine_info);

// Asks each registry once, in parallel.
std::vector<RegistryAnswer> ask_registries(const std::vector<std::string>& registries, const nlohmann::json& engine_info,
                                           std::chrono::milliseconds timeout);

// The check for `images` (the ones `up` would pull).
DoctorCheck registries_check(const std::vector<std::string>& images, DockerApi& api);

}  // namespace devenv

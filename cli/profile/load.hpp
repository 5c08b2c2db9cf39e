#pragma once
// Loading a profile: locate it, follow `extends`, apply overlays and --set, interpolate,
// validate, instantiate templates, resolve each service's endpoint and probe, check the seed. Pure of side effects: it reads files and
// the environment it is given, writes nothing.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "profile/endpoint.hpp"
#include "profile/language.hpp"
#include "profile/model.hpp"
#include "util/env.hpp"

namespace devenv {

struct LoadOptions {
    std::string project_dir;                  // absolute; holds devenv.yaml, .env, .devenv/
    std::string profile;                      // name or path; "" = the project's devenv.yaml
    std::optional<std::string> file;          // -f FILE
    std::vector<std::string> overlays;        // --overlay, in order
    std::vector<std::string> sets;            // --set PATH=VALUE, in order
    int port_offset = 0;                      // --port-offset
    std::string project_name;                 // "" = DEVENV_PROJECT or the folder's name
    EnvLookup getenv;                         // null = the process environment
    // Where the engine publishes ports, as devenv connects to them: every endpoint's host unless
    // its probe names one, and (as "localhost" for this machine) `${host}` in templates.
    std::string host = kThisMachine;
    // The probe kinds (probe_language() in probe/kinds.hpp; load_checked_profile sets it).
    // Required: profile/ cannot reach the table above it, so whoever loads passes it in.
    const ProfileLanguage* language = nullptr;
};

Profile load_profile(const LoadOptions& opts);

// Compose project names: lowercase letters, digits, '-' and '_', starting with a letter or digit.
std::string sanitize_project_name(std::string_view raw);

}  // namespace devenv

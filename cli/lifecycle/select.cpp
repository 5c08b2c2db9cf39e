#include "lifecycle/select.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "profile/discover.hpp"
#include "util/suggest.hpp"

namespace devenv {

namespace {

bool explicit_choice(const LoadOptions& requested) {
    return !requested.profile.empty() || requested.file || !requested.overlays.empty() || !requested.sets.empty() ||
           requested.port_offset != 0;
}

std::optional<LoadOptions> matching_record(const LoadOptions& requested) {
    auto o = recorded_load_options(requested.project_dir);
    if (o && (requested.project_name.empty() || requested.project_name == o->project_name)) return o;
    return std::nullopt;
}

// The first of `names` that is a profile this folder can use, if any.
std::optional<std::string> profile_among(const std::vector<std::string>& names, const std::string& project_dir) {
    std::vector<ProfileInfo> profiles;
    try {
        profiles = list_profiles(project_dir, std::nullopt);
    } catch (const Error&) {
        return std::nullopt;
    }
    for (const auto& n : names)
        for (const auto& p : profiles)
            if (p.name == n) return n;
    return std::nullopt;
}

std::string builtin_profile_names(const std::string& project_dir) {
    std::vector<std::string> names;
    try {
        for (const auto& p : list_profiles(project_dir, std::nullopt))
            if (p.source == "built-in") names.push_back(p.name);
    } catch (const Error&) {
    }
    return fmt::format("{}", fmt::join(names, ", "));
}

[[noreturn]] void throw_nothing_started(const LoadOptions& requested, const std::vector<std::string>& services) {
    Error e(ErrorKind::profile, fmt::format("nothing was started here: {} has no devenv.yaml and no record of a "
                                            "`devenv up` (.devenv/state.json)",
                                            display_path(requested.project_dir)));
    if (auto p = profile_among(services, requested.project_dir)) {
        e.hint(fmt::format("'{}' is a profile, not a service: name it with -p {} (or start it: `devenv up {}`)", *p, *p, *p));
    } else {
        e.hint(fmt::format("start an environment with `devenv up PROFILE` (built-in: {}; `devenv profiles` lists them)",
                           builtin_profile_names(requested.project_dir)));
        e.hint("or write a devenv.yaml for this folder with `devenv init`; -C DIR runs in another folder");
    }
    throw e;
}

bool has_project_file(const LoadOptions& requested) {
    std::error_code ec;
    return std::filesystem::exists(std::filesystem::path(requested.project_dir) / "devenv.yaml", ec);
}

}  // namespace

Environment open_command_environment(const LoadOptions& requested, bool prefer_recorded,
                                     const std::vector<std::string>& services) {
    if (prefer_recorded && !explicit_choice(requested)) {
        if (auto o = matching_record(requested)) return open_environment(*o);
        if (!has_project_file(requested)) throw_nothing_started(requested, services);
    }
    return open_environment(requested);
}

UpSelection open_up_environment(const LoadOptions& requested, bool current_env) {
    UpSelection out;
    std::optional<LoadOptions> rec = explicit_choice(requested) ? std::nullopt : matching_record(requested);
    if (!rec) {
        out.env = open_environment(requested);
        return out;
    }
    out.reused_record = true;
    out.current_env = current_env;
    auto recorded = read_state(state_dir(requested.project_dir));
    for (const auto& [name, value] : recorded ? recorded->env : decltype(recorded->env){}) {
        std::optional<std::string> now = requested.getenv ? requested.getenv(name) : env_value(name);
        if (now != value) out.differences.push_back({name, value, now});
    }
    if (current_env) rec->getenv = requested.getenv;  // null: this process's environment
    out.env = open_environment(*rec);
    return out;
}

void check_service_names(const std::vector<std::string>& names, const Profile& p) {
    auto known = p.service_names();
    for (const auto& n : names) {
        if (std::find(known.begin(), known.end(), n) != known.end()) continue;
        Error e(ErrorKind::usage, fmt::format("profile {} has no service '{}'", p.name, n));
        auto near = suggest(n, known);
        bool is_profile = profile_among({n}, p.project_dir).has_value();
        if (near) e.hint(fmt::format("did you mean '{}'?", *near));
        // `devenv status web`: the profile given where a service goes.
        if (is_profile) e.hint(fmt::format("'{}' is a profile, not a service: did you mean -p {}?", n, n));
        if (!near) e.hint(fmt::format("its services: {}", fmt::join(known, ", ")));
        throw e;
    }
}

}  // namespace devenv

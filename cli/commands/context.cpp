#include "commands/context.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "profile/discover.hpp"
#include "seed/check.hpp"
#include "util/duration.hpp"
#include "util/interrupt.hpp"
#include "util/suggest.hpp"

namespace devenv {

std::string Context::project_dir() const {
    namespace fs = std::filesystem;
    std::string start = global.chdir.empty() ? fs::current_path().string() : fs::absolute(global.chdir).string();
    if (global.file) return fs::absolute(*global.file).parent_path().string();
    return find_project_dir(start);
}

LoadOptions Context::load_options(const std::string& profile) const {
    LoadOptions o;
    o.project_dir = project_dir();
    o.profile = profile;
    o.file = global.file;
    o.overlays = global.overlays;
    o.sets = global.sets;
    o.port_offset = global.port_offset;
    o.project_name = global.project_name;
    return o;
}

Profile Context::load(const std::string& profile) const { return load_checked_profile(load_options(profile)); }

std::string Context::mask(std::string text, const Profile& p) const {
    return global.show_secrets ? text : mask_secrets(std::move(text), p);
}

}  // namespace devenv

namespace devenv {

Environment Context::open(const std::string& profile, bool recorded) const {
    bool explicit_choice = !profile.empty() || global.file || !global.overlays.empty() || !global.sets.empty() ||
                           global.port_offset != 0;
    if (recorded && !explicit_choice) {
        // --project-name naming the recorded project is the same environment, not another one.
        if (auto o = recorded_load_options(project_dir());
            o && (global.project_name.empty() || global.project_name == o->project_name))
            return open_environment(*o);
    }
    return open_environment(load_options(profile));
}

std::chrono::milliseconds Context::timeout(std::chrono::milliseconds fallback) const {
    if (!global.timeout) return fallback;
    try {
        return parse_duration(*global.timeout);
    } catch (Error& e) {
        throw Error(ErrorKind::usage, fmt::format("--timeout: {}", e.message())).hint("e.g. --timeout 120s or 2m");
    }
}

const std::atomic<bool>* Context::interrupted() const { return &interrupted_flag(); }

void check_service_names(const std::vector<std::string>& names, const Profile& p) {
    auto known = p.service_names();
    for (const auto& n : names) {
        if (std::find(known.begin(), known.end(), n) != known.end()) continue;
        Error e(ErrorKind::usage, fmt::format("profile {} has no service '{}'", p.name, n));
        if (auto s = suggest(n, known)) e.hint(fmt::format("did you mean '{}'?", *s));
        else e.hint(fmt::format("its services: {}", fmt::join(known, ", ")));
        throw e;
    }
}

}  // namespace devenv

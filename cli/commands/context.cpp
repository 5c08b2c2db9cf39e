#include "commands/context.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "lifecycle/select.hpp"
#include "profile/discover.hpp"
#include "seed/check.hpp"
#include "util/duration.hpp"
#include "util/interrupt.hpp"

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
    // Where the engine publishes ports: probes, seeders, exports and ${host} all follow it.
    o.host = engine_host_for_profiles();
    return o;
}

Profile Context::load(const std::string& profile) const { return load_checked_profile(load_options(profile)); }

Environment Context::open(const std::string& profile, bool recorded, const std::vector<std::string>& services,
                          bool engine) const {
    if (engine) start_engine_client_init();
    Environment env = open_command_environment(load_options(profile), recorded, services);
    check_service_names(services, env.profile);
    return env;
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

}  // namespace devenv

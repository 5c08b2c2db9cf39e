#include "commands/context.hpp"

#include <filesystem>

#include "profile/discover.hpp"

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

Profile Context::load(const std::string& profile) const { return load_profile(load_options(profile)); }

std::string Context::mask(std::string text, const Profile& p) const {
    if (global.show_secrets) return text;
    for (const auto& s : p.services) {
        for (const auto& secret : s.secrets) {
            if (secret.size() < 3) continue;  // masking "a" would garble everything
            for (std::size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 8))
                text.replace(pos, secret.size(), "********");
        }
    }
    return text;
}

}  // namespace devenv

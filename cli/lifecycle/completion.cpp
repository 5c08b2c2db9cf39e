#include "lifecycle/completion.hpp"

#include <exception>

#include "lifecycle/select.hpp"
#include "profile/discover.hpp"

namespace devenv {

std::vector<std::string> completion_candidates(const LoadOptions& requested, const std::string& kind) {
    std::vector<std::string> out;
    try {
        const std::string& dir = requested.project_dir;
        if (kind == "profiles") {
            for (const auto& p : list_profiles(dir, requested.file)) out.push_back(p.name);
        } else if (kind == "templates") {
            out = template_names(dir);
        } else if (kind == "services" || kind == "overlays") {
            Environment env = open_command_environment(requested, true);
            out = kind == "services" ? env.profile.service_names() : env.profile.available_overlays;
        }
    } catch (const std::exception&) {
        return {};
    }
    return out;
}

}  // namespace devenv

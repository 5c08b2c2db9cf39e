#include "lifecycle/select.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/suggest.hpp"

namespace devenv {

Environment open_command_environment(const LoadOptions& requested, bool prefer_recorded) {
    bool explicit_choice = !requested.profile.empty() || requested.file || !requested.overlays.empty() ||
                           !requested.sets.empty() || requested.port_offset != 0;
    if (prefer_recorded && !explicit_choice) {
        if (auto o = recorded_load_options(requested.project_dir);
            o && (requested.project_name.empty() || requested.project_name == o->project_name))
            return open_environment(*o);
    }
    return open_environment(requested);
}

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

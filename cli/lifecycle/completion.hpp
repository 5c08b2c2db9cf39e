#pragma once
// The candidates the shell completion scripts ask for at completion time (`devenv __complete`).
#include <string>
#include <vector>

#include "profile/load.hpp"

namespace devenv {

// Candidates for `kind` (profiles, templates, services, overlays); services and overlays of the
// running environment's profile when `up` recorded one, else of the project's devenv.yaml.
// Never fails: empty when nothing can be known here (a completion must not print errors into
// the user's command line).
std::vector<std::string> completion_candidates(const LoadOptions& requested, const std::string& kind);

}  // namespace devenv

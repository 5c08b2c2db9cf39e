#pragma once
// Which environment a command acts on, and checking the services it names.
#include <string>
#include <vector>

#include "lifecycle/environment.hpp"

namespace devenv {

// The environment to act on. `up` passes prefer_recorded=false: what the command line says.
// The others (status, wait, down, logs, ...) pass true: with no profile named and no
// -f/--set/--overlay/--port-offset given, they reload what the last `up` recorded in .devenv/,
// so they see the same profile as the running containers. A --project-name naming the
// recorded project is the same environment.
Environment open_command_environment(const LoadOptions& requested, bool prefer_recorded);

// SERVICE arguments must name services of the profile (usage error with "did you mean").
void check_service_names(const std::vector<std::string>& names, const Profile& p);

}  // namespace devenv

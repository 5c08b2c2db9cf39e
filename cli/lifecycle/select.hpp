#pragma once
// Which environment a command acts on, and checking the services it names.
#include <optional>
#include <string>
#include <vector>

#include "lifecycle/environment.hpp"

namespace devenv {

// The environment to act on. `up` passes prefer_recorded=false: what the command line says.
// The others (status, wait, down, logs, ...) pass true: with no profile named and no
// -f/--set/--overlay/--port-offset given, they reload what the last `up` recorded in .devenv/,
// so they see the same profile as the running containers. A --project-name naming the
// recorded project is the same environment. When nothing is recorded and the folder has no
// devenv.yaml, Error(profile) "nothing was started here" with how to start something (and, when
// a SERVICE argument is a profile's name, `-p NAME`).
Environment open_command_environment(const LoadOptions& requested, bool prefer_recorded,
                                     const std::vector<std::string>& services = {});

// A variable the profile read at the recorded `up` whose value differs in this shell now.
struct EnvDifference {
    std::string name;
    std::optional<std::string> recorded;  // nullopt: unset at the recorded up
    std::optional<std::string> now;       // nullopt: unset now
};

// `devenv up` as a whole: with no profile named and no -f/--set/--overlay/--port-offset, it
// starts again what the last `up` here recorded (profile, overlays, --set values, port offset,
// project name and the variables the profile read), like status and down, so a second `up`
// brings back the same environment. Variables the record holds win over this shell's unless
// `current_env` (`up --current-env`); every one that differs is listed either way.
struct UpSelection {
    Environment env;
    bool reused_record = false;               // loaded from .devenv/state.json
    bool current_env = false;                 // the differences below were taken from this shell
    std::vector<EnvDifference> differences;   // by name
};
UpSelection open_up_environment(const LoadOptions& requested, bool current_env);

// SERVICE arguments must name services of the profile (usage error with "did you mean", or
// "-p NAME" when the argument is a profile's name).
void check_service_names(const std::vector<std::string>& names, const Profile& p);

}  // namespace devenv

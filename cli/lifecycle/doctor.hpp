#pragma once
// `devenv doctor`: what must hold on this machine before `devenv up` can work, one check at a
// time, each with the fix when it does not hold.
#include <optional>
#include <string>
#include <vector>

#include "lifecycle/environment.hpp"

namespace devenv {

struct DoctorCheck {
    enum class State { ok, fail, skip };
    std::string name;     // stable id: engine compose docker_host ports disk images registries localstack_token profile
    State state = State::ok;
    std::string summary;  // one line: what was found
    std::string fix;      // when failed: what to do ("" otherwise)
};

struct DoctorReport {
    std::vector<DoctorCheck> checks;
    bool engine_ok = false;
    bool compose_ok = false;
    bool ok() const;
};

// Machine checks (engine, Compose, DOCKER_HOST/context) and, when `env` is given, the checks of
// its profile (ports, disk, images, LocalStack token). `profile_error` is reported as a failed
// profile check when the profile could not be loaded.
DoctorReport run_doctor(Environment* env, const std::string& profile_error);

// Whether LocalStack image `image` needs LOCALSTACK_AUTH_TOKEN: the Pro image, and the
// community image from 2026.03 on (and `latest`, which points there).
bool localstack_needs_token(const std::string& image);

const char* state_name(DoctorCheck::State s);

}  // namespace devenv

namespace devenv {

struct DoctorRun {
    std::optional<Environment> env;  // the profile checked, when there was one and it loaded
    DoctorReport report;
};

// `devenv doctor`: the machine checks, and a profile's checks when there is a profile to check
// (one named, -f, the project's devenv.yaml, or what `up` recorded). A profile that does not
// load (profile, usage or io error) is reported as the failed profile check.
DoctorRun run_doctor_command(const LoadOptions& requested);

// 3 when the engine or Compose check failed, 1 when another check failed, else 0.
ExitCode doctor_exit_code(const DoctorReport& r);

}  // namespace devenv

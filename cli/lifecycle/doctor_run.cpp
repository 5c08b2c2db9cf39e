#include <filesystem>

#include <fmt/format.h>

#include "lifecycle/doctor.hpp"
#include "lifecycle/select.hpp"

namespace devenv {

DoctorRun run_doctor_command(const LoadOptions& requested) {
    namespace fs = std::filesystem;
    DoctorRun run;
    std::string profile_error;
    const std::string& dir = requested.project_dir;
    bool have_profile = !requested.profile.empty() || requested.file || fs::exists(fs::path(dir) / "devenv.yaml") ||
                        recorded_load_options(dir).has_value();
    if (have_profile) {
        try {
            run.env.emplace(open_command_environment(requested, true));
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::profile && e.kind() != ErrorKind::usage && e.kind() != ErrorKind::io) throw;
            profile_error = e.message();
            if (e.where()) profile_error = fmt::format("{}:{}: {}", e.where()->file, e.where()->line, profile_error);
        }
    }
    run.report = run_doctor(run.env ? &*run.env : nullptr, profile_error);
    return run;
}

ExitCode doctor_exit_code(const DoctorReport& r) {
    if (!r.engine_ok || !r.compose_ok) return ExitCode::engine;
    if (!r.ok()) return ExitCode::failure;
    return ExitCode::ok;
}

}  // namespace devenv

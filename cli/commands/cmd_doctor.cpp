// `devenv doctor [PROFILE]`: what must hold on this machine before `devenv up` can work.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "ui/doctor_view.hpp"

namespace devenv {

CLI::App* bind_doctor(CLI::App& app, ProfileArgs& a) {
    auto* cmd = app.add_subcommand(
        "doctor", "Check the engine, Compose, DOCKER_HOST, ports, disk, images and tokens (exit 3: engine or Compose, 1: another check)");
    cmd->add_option("profile", a.profile, "Profile whose ports and images to check (default: the project's devenv.yaml)");
    return cmd;
}

void register_doctor(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<ProfileArgs>();
    bind_doctor(app, *a)->callback([&ctx, a] {
        DoctorRun run = run_doctor_command(ctx.load_options(a->profile));
        ctx.ui->out(format_doctor(*ctx.ui, run));
        ctx.exit_code = static_cast<int>(doctor_exit_code(run.report));
    });
}

}  // namespace devenv

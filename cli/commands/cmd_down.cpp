// `devenv down [--volumes]`: stop and remove the project's containers.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"

namespace devenv {

CLI::App* bind_down(CLI::App& app, DownArgs& a) {
    auto* cmd = app.add_subcommand("down", "Stop and remove the project's containers (named volumes stay)");
    cmd->add_option("-p,--profile", a.profile, "Profile (default: the one `up` started)");
    cmd->add_flag("--volumes", a.volumes, "Also remove the project's named volumes: the data and the seed");
    return cmd;
}

void register_down(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<DownArgs>();
    bind_down(app, *a)->callback([&ctx, a] {
        Environment env = ctx.open(a->profile, true);
        down(env, a->volumes, [&](const std::string& s) { ctx.ui->note(s); });
    });
}

}  // namespace devenv

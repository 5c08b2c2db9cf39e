// `devenv config [PROFILE]`: the resolved profile.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "ui/config_view.hpp"

namespace devenv {

CLI::App* bind_config(CLI::App& app, ProfileArgs& a) {
    auto* cmd = app.add_subcommand("config", "Print the resolved profile");
    cmd->add_option("profile", a.profile, "Profile name or file (default: the project's devenv.yaml)");
    return cmd;
}

void register_config(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<ProfileArgs>();
    bind_config(app, *a)->callback([&ctx, a] {
        Profile p = ctx.load(a->profile);
        ctx.ui->out(format_config(*ctx.ui, p));
    });
}

}  // namespace devenv

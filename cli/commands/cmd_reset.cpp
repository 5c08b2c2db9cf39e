// `devenv reset [SERVICE...] [--hard]`: back to the freshly seeded state.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "ui/lifecycle_view.hpp"

namespace devenv {

CLI::App* bind_reset(CLI::App& app, ResetArgs& a) {
    auto* cmd = app.add_subcommand("reset", "Back to the freshly seeded state, without recreating containers");
    cmd->add_option("services", a.options.services, "Only these services")->type_name("SERVICE");
    cmd->add_option("-p,--profile", a.profile, "Profile (default: the one `up` started)");
    cmd->add_flag("--hard", a.options.hard, "down --volumes, up and seed: everything from scratch");
    cmd->add_flag("--allow-remote", a.options.allow_remote, "Also reset endpoints that are not on this machine");
    return cmd;
}

void register_reset(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<ResetArgs>();
    bind_reset(app, *a)->callback([&ctx, a] {
        Environment env = ctx.open(a->profile, true, a->options.services);
        ResetCommandOptions o = a->options;
        o.up_timeout = [&ctx] { return ctx.timeout(std::chrono::minutes(5)); };
        o.interrupted = ctx.interrupted();
        LifecycleView view(*ctx.ui, env.profile, LifecycleView::Command::reset);
        run_reset_command(env, o, view);
    });
}

}  // namespace devenv

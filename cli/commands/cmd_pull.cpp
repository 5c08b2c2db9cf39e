// `devenv pull [PROFILE]`: pull the images a profile needs, with progress; start nothing.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "lifecycle/pull_run.hpp"
#include "ui/lifecycle_view.hpp"

namespace devenv {

CLI::App* bind_pull(CLI::App& app, PullArgs& a) {
    auto* cmd = app.add_subcommand("pull", "Pull the images a profile needs (services with build: excluded); start nothing");
    cmd->add_option("profile", a.profile, "Profile name or file (default: the project's devenv.yaml)");
    cmd->add_flag("--missing", a.options.missing_only, "Only the images the engine does not have (default: every image, for newer tags)");
    return cmd;
}

void register_pull(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<PullArgs>();
    bind_pull(app, *a)->callback([&ctx, a] {
        Environment env = ctx.open(a->profile, false);
        PullCommandOptions o = a->options;
        o.interrupted = ctx.interrupted();
        LifecycleView view(*ctx.ui, env.profile, LifecycleView::Command::pull);
        run_pull_command(env, o, view);
    });
}

}  // namespace devenv

// `devenv up [PROFILE]`: start, wait until every service answers, seed.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "ui/lifecycle_view.hpp"

namespace devenv {

CLI::App* bind_up(CLI::App& app, UpArgs& a) {
    auto* cmd = app.add_subcommand("up", "Start a profile's services, wait until each really answers, seed them");
    cmd->add_option("profile", a.profile, "Profile name or file (default: the project's devenv.yaml)");
    cmd->add_flag("--build", a.options.build, "Build images of services with a build: section first (passed to Compose)");
    cmd->add_flag("--no-seed", a.options.no_seed, "Start and wait only; do not seed");
    cmd->add_flag("--allow-remote", a.options.allow_remote, "Also seed endpoints that are not on this machine");
    cmd->add_option("--pull", a.pull, "Pull images first: missing (default: those the engine lacks), always, never")
        ->check(CLI::IsMember({"always", "missing", "never"}))
        ->each([&a](const std::string& v) { a.options.pull = parse_pull_policy(v).value_or(PullPolicy::missing); });
    cmd->add_flag("--current-env", a.current_env,
                  "Starting the recorded environment again: read its variables from this shell, not from the record");
    return cmd;
}

void register_up(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<UpArgs>();
    bind_up(app, *a)->callback([&ctx, a] {
        start_engine_client_init();
        UpSelection chosen = open_up_environment(ctx.load_options(a->profile), a->current_env);
        show_up_selection(*ctx.ui, chosen);
        Environment& env = chosen.env;
        UpCommandOptions o = a->options;
        o.timeout = ctx.timeout(std::chrono::minutes(5));
        o.interrupted = ctx.interrupted();
        LifecycleView view(*ctx.ui, env.profile, LifecycleView::Command::up);
        run_up_command(env, o, view);
    });
}

}  // namespace devenv

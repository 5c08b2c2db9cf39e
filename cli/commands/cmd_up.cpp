#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands/context.hpp"
#include "commands/seed_options.hpp"
#include "commands/up_display.hpp"
#include "ui/progress.hpp"

namespace devenv {

void register_up(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("up", "Start a profile's services, wait until each really answers, seed them");
    auto profile = std::make_shared<std::string>();
    auto build = std::make_shared<bool>(false);
    auto no_seed = std::make_shared<bool>(false);
    auto remote = std::make_shared<bool>(false);
    cmd->add_option("profile", *profile, "Profile name or file (default: the project's devenv.yaml)");
    cmd->add_flag("--build", *build, "Build images of services with a build: section first (passed to Compose)");
    cmd->add_flag("--no-seed", *no_seed, "Start and wait only; do not seed");
    cmd->add_flag("--allow-remote", *remote, "Also seed endpoints that are not on this machine");
    cmd->callback([&ctx, profile, build, no_seed, remote] {
        Environment env = ctx.open(*profile, false);
        UpResult r = run_up_with_display(ctx, env, *build, "up");
        const Ui& ui = *ctx.ui;
        if (ui.options().json) ui.out(up_json(r, env.profile));
        else if (!ui.options().quiet) ui.out(format_up_summary(ui, r, env.profile, ctx.global.show_secrets));

        auto next = [&] {
            if (!ui.options().json && !ui.options().quiet) ui.out(up_next_steps());
        };
        if (*no_seed || env.profile.seeds.empty()) return next();
        // Already up with the same seed applied: nothing to do (`devenv seed` re-checks).
        auto rec = read_state(env.dir);
        if (r.already_up && rec && rec->seed_hash == seed_fingerprint(env.profile)) {
            if (!ui.options().json) ui.note("seed: already applied (devenv seed checks it again)");
            return next();
        }
        SeedRunOptions so;
        so.allow_remote = *remote;
        run_seed_command(ctx, env, so, false, true);
        next();
    });
}

}  // namespace devenv

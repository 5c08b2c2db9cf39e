// `devenv seed [SERVICE...]`: put into each service what the profile declares.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "seed/kinds.hpp"
#include "ui/lifecycle_view.hpp"

namespace devenv {

SeedRunOptions SeedArgs::seed_options() const {
    SeedRunOptions o = options;
    if (!only.empty()) o.only_kind = only;
    return o;
}

CLI::App* bind_seed(CLI::App& app, SeedArgs& a) {
    auto* cmd = app.add_subcommand("seed", "Put into each service what the profile declares (idempotent)");
    cmd->add_option("services", a.options.services, "Only these services")->type_name("SERVICE");
    cmd->add_option("-p,--profile", a.profile, "Profile (default: the one `up` started)");
    // The kinds come from their table, so completion and the man page list them.
    cmd->add_option("--only", a.only, "Only this seed kind (dynamodb, sqs, postgres, ...)")
        ->type_name("KIND")
        ->check(CLI::IsMember(seed_kind_names()));
    cmd->add_flag("--force", a.options.force, "Recreate resources that differ from their declaration");
    cmd->add_flag("--allow-remote", a.options.allow_remote, "Also seed endpoints that are not on this machine");
    return cmd;
}

void register_seed(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<SeedArgs>();
    bind_seed(app, *a)->callback([&ctx, a] {
        Environment env = ctx.open(a->profile, true, a->options.services);
        SeedRunOptions o = a->seed_options();
        o.interrupted = ctx.interrupted();
        LifecycleView view(*ctx.ui, env.profile, LifecycleView::Command::seed);
        run_seed(env, o, SeedMode::seed, view);
    });
}

}  // namespace devenv

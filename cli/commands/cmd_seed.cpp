#include <CLI/CLI.hpp>

#include "commands/seed_options.hpp"
#include "seed/kinds.hpp"

namespace devenv {

void register_seed(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("seed", "Put into each service what the profile declares (idempotent)");
    auto profile = std::make_shared<std::string>();
    auto services = std::make_shared<std::vector<std::string>>();
    auto only = std::make_shared<std::string>();
    auto force = std::make_shared<bool>(false);
    auto remote = std::make_shared<bool>(false);
    cmd->add_option("services", *services, "Only these services")->type_name("SERVICE");
    cmd->add_option("-p,--profile", *profile, "Profile (default: the one `up` started)");
    // The kinds come from their table, so completion and the man page list them.
    cmd->add_option("--only", *only, "Only this seed kind (dynamodb, sqs, postgres, ...)")
        ->type_name("KIND")
        ->check(CLI::IsMember(seed_kind_names()));
    cmd->add_flag("--force", *force, "Recreate resources that differ from their declaration");
    cmd->add_flag("--allow-remote", *remote, "Also seed endpoints that are not on this machine");
    cmd->callback([&ctx, profile, services, only, force, remote] {
        Environment env = ctx.open(*profile, true);
        check_service_names(*services, env.profile);
        SeedRunOptions o;
        o.services = *services;
        if (!only->empty()) o.only_kind = *only;
        o.force = *force;
        o.allow_remote = *remote;
        run_seed_command(ctx, env, o, false, false);
    });
}

}  // namespace devenv

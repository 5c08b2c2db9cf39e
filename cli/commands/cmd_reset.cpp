#include <CLI/CLI.hpp>

#include "commands/seed_options.hpp"
#include "commands/up_display.hpp"

namespace devenv {

void register_reset(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("reset", "Back to the freshly seeded state, without recreating containers");
    auto profile = std::make_shared<std::string>();
    auto services = std::make_shared<std::vector<std::string>>();
    auto hard = std::make_shared<bool>(false);
    auto remote = std::make_shared<bool>(false);
    cmd->add_option("services", *services, "Only these services")->type_name("SERVICE");
    cmd->add_option("-p,--profile", *profile, "Profile (default: the one `up` started)");
    cmd->add_flag("--hard", *hard, "down --volumes, up and seed: everything from scratch");
    cmd->add_flag("--allow-remote", *remote, "Also reset endpoints that are not on this machine");
    cmd->callback([&ctx, profile, services, hard, remote] {
        Environment env = ctx.open(*profile, true);
        check_service_names(*services, env.profile);
        SeedRunOptions o;
        o.services = *services;
        o.allow_remote = *remote;
        if (!*hard) {
            run_seed_command(ctx, env, o, true, false);
            return;
        }
        if (!services->empty())
            throw Error(ErrorKind::usage, "reset --hard recreates the whole environment; it takes no SERVICE")
                .hint("leave out the service names, or use a soft `devenv reset SERVICE`");
        down(env, true, [&](const std::string& s) { ctx.ui->note(s); });
        run_up_with_display(ctx, env, false, "reset");
        run_seed_command(ctx, env, o, false, false);
    });
}

}  // namespace devenv

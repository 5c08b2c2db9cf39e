#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "ui/progress.hpp"

namespace devenv {

void register_status(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("status", "Each service's container, health, probe and ports (exit 4 unless all ready)");
    auto profile = std::make_shared<std::string>();
    auto services = std::make_shared<std::vector<std::string>>();
    cmd->add_option("services", *services, "Only these services")->type_name("SERVICE");
    cmd->add_option("-p,--profile", *profile, "Profile (default: the one `up` started)");
    cmd->callback([&ctx, profile, services] {
        Environment env = ctx.open(*profile, true);
        check_service_names(*services, env.profile);
        StatusReport r = status(env, *services);
        if (ctx.ui->options().json) ctx.ui->out(ctx.mask(status_json(r, env.profile), env.profile));
        else ctx.ui->out(ctx.mask(format_status(*ctx.ui, r, env.profile), env.profile));
        if (!r.all_ready) ctx.exit_code = static_cast<int>(ExitCode::not_ready);
    });
}

}  // namespace devenv

// `devenv status [SERVICE...]`: each service's container, health, probe and ports.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "ui/progress.hpp"

namespace devenv {

CLI::App* bind_status(CLI::App& app, ServicesArgs& a) {
    auto* cmd = app.add_subcommand("status", "Each service's container, health, probe and ports (exit 4 unless all ready)");
    cmd->add_option("services", a.services, "Only these services")->type_name("SERVICE");
    cmd->add_option("-p,--profile", a.profile, "Profile (default: the one `up` started)");
    return cmd;
}

void register_status(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<ServicesArgs>();
    bind_status(app, *a)->callback([&ctx, a] {
        Environment env = ctx.open(a->profile, true, a->services);
        StatusReport r = status(env, a->services);
        ctx.ui->out(render_status(*ctx.ui, r, env.profile));
        if (!r.all_ready) ctx.exit_code = static_cast<int>(ExitCode::not_ready);
    });
}

}  // namespace devenv

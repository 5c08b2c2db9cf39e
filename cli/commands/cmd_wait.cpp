// `devenv wait [SERVICE...]`: wait until services answer, for environments started another way.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "ui/lifecycle_view.hpp"

namespace devenv {

CLI::App* bind_wait(CLI::App& app, ServicesArgs& a) {
    auto* cmd = app.add_subcommand("wait", "Wait until services answer (for environments started another way)");
    cmd->add_option("services", a.services, "Only these services (and nothing they depend on)")->type_name("SERVICE");
    cmd->add_option("-p,--profile", a.profile, "Profile (default: the one `up` started, else devenv.yaml)");
    return cmd;
}

void register_wait(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<ServicesArgs>();
    bind_wait(app, *a)->callback([&ctx, a] {
        Environment env = ctx.open(a->profile, true, a->services);
        LifecycleView view(*ctx.ui, env.profile, LifecycleView::Command::wait);
        run_wait_command(env, a->services, ctx.timeout(std::chrono::minutes(5)), ctx.interrupted(), view);
    });
}

}  // namespace devenv

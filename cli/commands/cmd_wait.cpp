#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "ui/progress.hpp"

namespace devenv {

void register_wait(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("wait", "Wait until services answer (for environments started another way)");
    auto profile = std::make_shared<std::string>();
    auto services = std::make_shared<std::vector<std::string>>();
    cmd->add_option("services", *services, "Only these services (and nothing they depend on)")->type_name("SERVICE");
    cmd->add_option("-p,--profile", *profile, "Profile (default: the one `up` started, else devenv.yaml)");
    cmd->callback([&ctx, profile, services] {
        Environment env = ctx.open(*profile, true);
        check_service_names(*services, env.profile);
        std::vector<std::string> shown = services->empty() ? env.profile.service_names() : *services;
        WaitDisplay display(*ctx.ui, shown, "wait");
        WaitResult r;
        try {
            r = wait_ready(env, *services, ctx.timeout(std::chrono::minutes(5)),
                           [&](const WaitEvent& e) { display.on_event(e); }, ctx.interrupted());
        } catch (...) {
            display.finish();
            throw;
        }
        display.finish();
    });
}

}  // namespace devenv

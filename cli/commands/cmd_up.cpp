#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands/context.hpp"
#include "ui/progress.hpp"

namespace devenv {

void register_up(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("up", "Start a profile's services and wait until each really answers");
    auto profile = std::make_shared<std::string>();
    auto build = std::make_shared<bool>(false);
    cmd->add_option("profile", *profile, "Profile name or file (default: the project's devenv.yaml)");
    cmd->add_flag("--build", *build, "Build images of services with a build: section first (passed to Compose)");
    cmd->callback([&ctx, profile, build] {
        Environment env = ctx.open(*profile, false);
        WaitDisplay display(*ctx.ui, env.profile.service_names(), "up");
        UpOptions o;
        o.build = *build;
        o.timeout = ctx.timeout(std::chrono::minutes(5));
        o.on_event = [&](const WaitEvent& e) { display.on_event(e); };
        o.on_note = [&](const std::string& s) { display.note(s); };
        o.interrupted = ctx.interrupted();
        UpResult r;
        try {
            r = up(env, o);
        } catch (...) {
            display.finish();
            throw;
        }
        display.finish();
        if (ctx.ui->options().json) ctx.ui->out(up_json(r, env.profile));
        else if (!ctx.ui->options().quiet) ctx.ui->out(format_up_summary(*ctx.ui, r, env.profile, ctx.global.show_secrets));
    });
}

}  // namespace devenv

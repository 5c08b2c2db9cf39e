// `devenv env [SERVICE...]`: the environment's connection variables.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "ui/env_view.hpp"

namespace devenv {

CLI::App* bind_env(CLI::App& app, EnvArgs& a) {
    auto* cmd = app.add_subcommand("env", "Connection variables of the environment (eval \"$(devenv env)\")");
    cmd->add_option("services", a.services, "Only these services' variables")->type_name("SERVICE");
    cmd->add_option("-p,--profile", a.profile, "Profile (default: the one `up` started)");
    cmd->add_option("--format", a.format, "shell (quoted for eval), dotenv, json, github (appends to $GITHUB_ENV)")
        ->check(CLI::IsMember({"shell", "dotenv", "json", "github"}));
    return cmd;
}

void register_env(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<EnvArgs>();
    bind_env(app, *a)->callback([&ctx, a] {
        Environment env = ctx.open(a->profile, true, a->services, /*engine=*/false);  // exports need no engine
        ExportFormat format = ctx.global.json ? ExportFormat::json : parse_export_format(a->format);
        ExportPlan plan = plan_exports(env, a->services, format);
        if (a->services.empty())
            for (const auto& w : export_conflict_warnings(export_conflicts(env.profile))) ctx.ui->warn(w);
        show_export_masks(*ctx.ui, plan);
        append_exports(plan);  // github with GITHUB_ENV set: the variables go to that file
        show_exports(*ctx.ui, plan);
    });
}

}  // namespace devenv

// `devenv init`: a commented devenv.yaml that extends a profile, and .devenv/ in .gitignore.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "ui/init_view.hpp"

namespace devenv {

CLI::App* bind_init(CLI::App& app, InitArgs& a) {
    auto* cmd = app.add_subcommand("init", "Write a commented devenv.yaml that extends a profile; add .devenv/ to .gitignore");
    cmd->add_option("--from", a.options.from, "The profile to extend (default: aws; `devenv profiles` lists them)")->type_name("PROFILE");
    cmd->add_flag("--force", a.options.force, "Overwrite an existing devenv.yaml");
    return cmd;
}

void register_init(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<InitArgs>();
    bind_init(app, *a)->callback([&ctx, a] {
        InitOptions o = a->options;
        o.chdir = ctx.global.chdir;
        o.file = ctx.global.file;
        InitResult r = init_project(o, [&](const std::string& s) { ctx.ui->note(s); });
        ctx.ui->out(init_next_steps(r));
    });
}

}  // namespace devenv

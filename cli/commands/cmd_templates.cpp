// `devenv templates [NAME]`: the service templates, or one's parameters.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "lifecycle/catalog.hpp"
#include "ui/catalog_view.hpp"

namespace devenv {

CLI::App* bind_templates(CLI::App& app, TemplatesArgs& a) {
    auto* cmd = app.add_subcommand("templates", "List service templates, or show one's parameters");
    cmd->add_option("name", a.name, "Template to describe");
    return cmd;
}

void register_templates(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<TemplatesArgs>();
    bind_templates(app, *a)->callback([&ctx, a] {
        std::string dir = ctx.project_dir();
        if (a->name.empty()) ctx.ui->out(format_templates(*ctx.ui, template_catalog(dir)));
        else ctx.ui->out(format_template(*ctx.ui, describe_template(dir, a->name)));
    });
}

}  // namespace devenv

// `devenv profiles` and `devenv version`.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "profile/discover.hpp"
#include "ui/catalog_view.hpp"

namespace devenv {

CLI::App* bind_profiles(CLI::App& app) { return app.add_subcommand("profiles", "List built-in and project profiles"); }

CLI::App* bind_version(CLI::App& app) { return app.add_subcommand("version", "Print devenv's version"); }

void register_profiles(CLI::App& app, Context& ctx) {
    bind_profiles(app)->callback(
        [&ctx] { ctx.ui->out(format_profiles(*ctx.ui, list_profiles(ctx.project_dir(), ctx.global.file))); });
}

void register_version(CLI::App& app, Context& ctx) {
    bind_version(app)->callback([&ctx] { ctx.ui->out(format_version(*ctx.ui, DEVENV_VERSION)); });
}

}  // namespace devenv

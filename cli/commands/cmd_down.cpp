#include <CLI/CLI.hpp>

#include "commands/context.hpp"

namespace devenv {

void register_down(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("down", "Stop and remove the project's containers (named volumes stay)");
    auto profile = std::make_shared<std::string>();
    auto volumes = std::make_shared<bool>(false);
    cmd->add_option("-p,--profile", *profile, "Profile (default: the one `up` started)");
    cmd->add_flag("--volumes", *volumes, "Also remove the project's named volumes: the data and the seed");
    cmd->callback([&ctx, profile, volumes] {
        Environment env = ctx.open(*profile, true);
        down(env, *volumes, [&](const std::string& s) { ctx.ui->note(s); });
    });
}

}  // namespace devenv

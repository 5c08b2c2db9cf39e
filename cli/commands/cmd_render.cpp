#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands/context.hpp"
#include "render/compose.hpp"
#include "util/fs.hpp"

namespace devenv {

void register_render(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("render", "Print the Compose file for a profile");
    auto profile = std::make_shared<std::string>();
    auto output = std::make_shared<std::string>();
    cmd->add_option("profile", *profile, "Profile name or file (default: the project's devenv.yaml)");
    cmd->add_option("-o,--output", *output, "Write to FILE instead of stdout (only when it changes)")->type_name("FILE");
    cmd->callback([&ctx, profile, output] {
        Profile p = ctx.load(*profile);
        std::string text = render_compose(p);
        if (output->empty()) {
            ctx.ui->out(text);
            return;
        }
        // The Compose file holds resolved credentials: private to the user.
        bool changed = write_file_if_changed(*output, text, FileMode::secret);
        ctx.ui->note(changed ? fmt::format("wrote {}", *output) : fmt::format("{} is up to date", *output));
    });
}

}  // namespace devenv

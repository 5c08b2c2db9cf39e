// `devenv render [PROFILE] [-o FILE]`: the Compose file for a profile.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands/context.hpp"
#include "render/compose.hpp"
#include "util/fs.hpp"

namespace devenv {

CLI::App* bind_render(CLI::App& app, RenderArgs& a) {
    auto* cmd = app.add_subcommand("render", "Print the Compose file for a profile");
    cmd->add_option("profile", a.profile, "Profile name or file (default: the project's devenv.yaml)");
    cmd->add_option("-o,--output", a.output, "Write to FILE instead of stdout (only when it changes)")->type_name("FILE");
    return cmd;
}

void register_render(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<RenderArgs>();
    bind_render(app, *a)->callback([&ctx, a] {
        std::string text = render_compose(ctx.load(a->profile));
        if (a->output.empty()) {
            ctx.ui->out(text);
            return;
        }
        // The Compose file holds resolved credentials: private to the user.
        bool changed = write_file_if_changed(a->output, text, FileMode::secret);
        ctx.ui->note(changed ? fmt::format("wrote {}", a->output) : fmt::format("{} is up to date", a->output));
    });
}

}  // namespace devenv

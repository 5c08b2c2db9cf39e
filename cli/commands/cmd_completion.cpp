// `devenv completion SHELL`, and two hidden helpers: `__complete KIND` (the candidates the
// completion scripts ask for at completion time) and `__man` (the man page, run by the build).
#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands/context.hpp"
#include "commands/describe_cli.hpp"
#include "lifecycle/completion.hpp"
#include "profile/discover.hpp"
#include "ui/cli_spec.hpp"
#include "util/fs.hpp"

namespace devenv {

namespace {

// To stdout, or to -o FILE (only when it changes).
void emit(Context& ctx, const std::string& text, const std::string& output) {
    if (output.empty()) {
        ctx.ui->out(text);
        return;
    }
    if (write_file_if_changed(output, text)) ctx.ui->note(fmt::format("wrote {}", display_path(std::filesystem::absolute(output).string())));
}

}  // namespace

CLI::App* bind_completion(CLI::App& app, CompletionArgs& a) {
    auto* cmd = app.add_subcommand("completion", "Print the shell completion script (bash, zsh or fish)");
    cmd->add_option("shell", a.shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
    cmd->add_option("-o,--output", a.output, "Write to FILE instead of stdout")->type_name("FILE");
    cmd->footer(
        "bash: source <(devenv completion bash)   (or install as /usr/share/bash-completion/completions/devenv)\n"
        "zsh:  devenv completion zsh > \"${fpath[1]}/_devenv\"\n"
        "fish: devenv completion fish > ~/.config/fish/completions/devenv.fish");
    return cmd;
}

void register_completion(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<CompletionArgs>();
    bind_completion(app, *a)->callback([&app, &ctx, a] {
        CliSpec spec = describe_cli(app);
        std::string text = a->shell == "bash" ? bash_completion(spec) : a->shell == "zsh" ? zsh_completion(spec) : fish_completion(spec);
        emit(ctx, text, a->output);
    });

    auto* helper = app.add_subcommand("__complete", "");
    helper->group("");
    auto kind = std::make_shared<std::string>();
    helper->add_option("kind", *kind)->required()->check(CLI::IsMember({"profiles", "services", "overlays", "templates"}));
    helper->callback([&ctx, kind] {
        std::vector<std::string> list;
        try {
            list = completion_candidates(ctx.load_options(""), *kind);
        } catch (const std::exception&) {
            return;  // never an error in the user's command line
        }
        std::string text;
        for (const auto& c : list) text += c + "\n";
        if (!text.empty()) ctx.ui->out(text);
    });

    auto* man = app.add_subcommand("__man", "");
    man->group("");
    auto man_out = std::make_shared<std::string>();
    man->add_option("-o,--output", *man_out)->type_name("FILE");
    man->callback([&app, &ctx, man_out] { emit(ctx, man_page(describe_cli(app), DEVENV_VERSION), *man_out); });
}

}  // namespace devenv

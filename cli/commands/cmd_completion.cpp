// `devenv completion SHELL`, and two hidden helpers: `__complete KIND` (the candidates the
// completion scripts ask for at completion time) and `__man` (the man page, run by the build).
#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands/cli_spec.hpp"
#include "commands/context.hpp"
#include "profile/discover.hpp"
#include "util/fs.hpp"

namespace devenv {

namespace {

void emit(Context& ctx, const std::string& text, const std::string& output) {
    if (output.empty()) {
        ctx.ui->out(text);
        return;
    }
    if (write_file_if_changed(output, text)) ctx.ui->note(fmt::format("wrote {}", display_path(std::filesystem::absolute(output).string())));
}

// Candidates for one kind; empty when nothing can be known here. Never fails: a completion
// must not print errors into the user's command line.
std::vector<std::string> candidates(Context& ctx, const std::string& kind) {
    std::vector<std::string> out;
    std::string dir = ctx.project_dir();
    if (kind == "profiles") {
        for (const auto& p : list_profiles(dir, ctx.global.file)) out.push_back(p.name);
    } else if (kind == "templates") {
        out = template_names(dir);
    } else if (kind == "services" || kind == "overlays") {
        // The running environment's profile when `up` recorded one, else the project's devenv.yaml.
        Environment env = ctx.open("", true);
        out = kind == "services" ? env.profile.service_names() : env.profile.available_overlays;
    }
    return out;
}

}  // namespace

void register_completion(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("completion", "Print the shell completion script (bash, zsh or fish)");
    auto shell = std::make_shared<std::string>();
    auto output = std::make_shared<std::string>();
    cmd->add_option("shell", *shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
    cmd->add_option("-o,--output", *output, "Write to FILE instead of stdout")->type_name("FILE");
    cmd->footer(
        "bash: source <(devenv completion bash)   (or install as /usr/share/bash-completion/completions/devenv)\n"
        "zsh:  devenv completion zsh > \"${fpath[1]}/_devenv\"\n"
        "fish: devenv completion fish > ~/.config/fish/completions/devenv.fish");
    cmd->callback([&app, &ctx, shell, output] {
        CliSpec spec = describe_cli(app);
        std::string text = *shell == "bash" ? bash_completion(spec) : *shell == "zsh" ? zsh_completion(spec) : fish_completion(spec);
        emit(ctx, text, *output);
    });

    auto* helper = app.add_subcommand("__complete", "");
    helper->group("");
    auto kind = std::make_shared<std::string>();
    helper->add_option("kind", *kind)->required()->check(CLI::IsMember({"profiles", "services", "overlays", "templates"}));
    helper->callback([&ctx, kind] {
        std::vector<std::string> list;
        try {
            list = candidates(ctx, *kind);
        } catch (const std::exception&) {
            return;
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

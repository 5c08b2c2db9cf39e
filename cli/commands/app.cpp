#include "commands/app.hpp"

#include <algorithm>
#include <csignal>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands/context.hpp"
#include "ui/cli_spec.hpp"
#include "util/interrupt.hpp"
#include "util/strings.hpp"
#include "util/suggest.hpp"

namespace devenv {

// The exit-code table lives in ui/cli_spec.cpp: --help, the man page and docs/commands.md share it.

bool global_option_applies(const std::string& command, const std::string& option) {
    // Output and folder: every command. Choosing the profile: the commands that load one.
    // --timeout: those that wait. A command not listed here (a new one) reads them all.
    static const std::vector<std::string> profile_choice = {"file", "set", "overlay", "port-offset", "project-name"};
    static const std::vector<std::string> loads_profile = {"render", "config", "up", "wait", "status", "logs",
                                                           "down", "env", "seed", "reset", "doctor"};
    static const std::vector<std::string> waits = {"up", "wait", "reset"};
    static const std::vector<std::string> no_profile = {"profiles", "templates", "version", "init", "completion"};
    auto in = [](const std::vector<std::string>& v, const std::string& s) {
        return std::find(v.begin(), v.end(), s) != v.end();
    };
    bool known = in(loads_profile, command) || in(no_profile, command);
    if (!known) return true;
    if (option == "timeout") return in(waits, command);
    if (option == "file") return in(loads_profile, command) || command == "profiles" || command == "init";
    if (in(profile_choice, option)) return in(loads_profile, command);
    return true;
}

namespace {

std::vector<const CLI::Option*> global_options_of(const CLI::App& cmd) {
    std::vector<const CLI::Option*> out;
    const CLI::App* top = cmd.get_parent();
    if (!top) return out;
    for (const CLI::Option* o : top->get_options()) {
        if (o->get_lnames().empty() || o->get_lnames().front() == "help" || o->get_lnames().front() == "version") continue;
        if (global_option_applies(cmd.get_name(), o->get_lnames().front())) out.push_back(o);
    }
    return out;
}

// A command's --help lists, after its own options, the global options it reads (they may come
// before or after the command's name).
class HelpFormatter : public CLI::Formatter {
public:
    std::string make_footer(const CLI::App* app) const override {
        std::string own = CLI::Formatter::make_footer(app);
        if (!app->get_parent() || app->get_name().starts_with("__")) return own;
        auto globals = global_options_of(*app);
        if (globals.empty()) return own;
        return make_group("Global options (before or after the command)", false, globals) + own;
    }
};

// Every option name a command takes (its own and the global ones it reads), for "did you mean".
std::vector<std::string> option_names(const CLI::App& top, const CLI::App* cmd) {
    std::vector<std::string> names;
    auto add = [&](const CLI::Option* o) {
        for (const auto& l : o->get_lnames()) names.push_back("--" + l);
        for (const auto& s : o->get_snames()) names.push_back("-" + s);
    };
    if (cmd)
        for (const CLI::Option* o : cmd->get_options()) add(o);
    if (cmd)
        for (const CLI::Option* o : global_options_of(*cmd)) add(o);
    else
        for (const CLI::Option* o : top.get_options()) add(o);
    return names;
}

}  // namespace

Error unknown_command_error(const CLI::App& top, const std::vector<std::string>& args) {
    // The first word that is neither an option nor an option's value.
    static const std::vector<std::string> with_value = {"-C", "--directory", "-f", "--file", "--timeout", "--set",
                                                        "--overlay", "--port-offset", "--project-name"};
    std::string word;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (std::find(with_value.begin(), with_value.end(), args[i]) != with_value.end()) {
            ++i;
            continue;
        }
        if (!args[i].starts_with("-")) {
            word = args[i];
            break;
        }
    }
    if (word.empty())
        return Error(ErrorKind::usage, "a command is required").hint("`devenv --help` lists the commands and options");
    Error err(ErrorKind::usage, fmt::format("no command '{}'", word));
    std::vector<std::string> commands;
    for (const CLI::App* s : top.get_subcommands([](const CLI::App*) { return true; }))
        if (!s->get_name().starts_with("__")) commands.push_back(s->get_name());
    if (auto near = suggest(word, commands)) err.hint(fmt::format("did you mean `devenv {}`?", *near));
    err.hint("`devenv --help` lists the commands and options");
    return err;
}

Error unexpected_arguments_error(const CLI::App& top, const CLI::ParseError& e) {
    const CLI::App* cmd = nullptr;
    for (const CLI::App* s : top.get_subcommands()) cmd = s;
    std::string shown = cmd ? fmt::format("devenv {}", cmd->get_name()) : std::string("devenv");
    std::string msg = e.what();
    std::string args = msg.substr(msg.find(':') == std::string::npos ? 0 : msg.find(':') + 1);
    std::vector<std::string> words;
    for (const auto& w : split(std::string(trim(args)), ' '))
        if (!w.empty()) words.push_back(w);
    if (words.empty()) return Error(ErrorKind::usage, msg);
    // An unknown option leaves its value unexpected too: the option is what to name.
    auto dash = std::find_if(words.begin(), words.end(), [](const std::string& w) { return w.starts_with("-"); });
    const std::string& first = dash != words.end() ? *dash : words.front();
    Error err(ErrorKind::usage, first.starts_with("-") ? fmt::format("`{}` has no option {}", shown, first)
                                 : cmd                   ? fmt::format("`{}` does not take the argument '{}'", shown, first)
                                                         : fmt::format("no command '{}'", first));
    if (first.starts_with("-")) {
        std::string name = first.substr(0, first.find('='));
        if (auto near = suggest(name, option_names(top, cmd))) err.hint(fmt::format("did you mean {}?", *near));
    } else if (!cmd) {
        std::vector<std::string> commands;
        for (const CLI::App* s : top.get_subcommands([](const CLI::App*) { return true; }))
            if (!s->get_name().starts_with("__")) commands.push_back(s->get_name());
        if (auto near = suggest(first, commands)) err.hint(fmt::format("did you mean `devenv {}`?", *near));
    }
    err.hint(fmt::format("`{} --help` lists {}", shown, cmd ? "its options and arguments" : "the commands and options"));
    return err;
}

void bind_global_options(CLI::App& app, GlobalOptions& g) {
    app.add_option("-C,--directory", g.chdir, "Run as if started in DIR")->type_name("DIR");
    app.add_option("-f,--file", g.file, "Use FILE as the project's profile instead of devenv.yaml")->type_name("FILE");
    app.add_flag("--json", g.json, "Machine-readable output");
    app.add_flag("-q,--quiet", g.quiet, "Only results and errors");
    app.add_flag("-v,--verbose", g.verbose, "More detail");
    app.add_flag("--no-color", g.no_color, "No colours (also NO_COLOR)");
    app.add_flag("--show-secrets", g.show_secrets, "Do not mask passwords and tokens");
    app.add_option("--timeout", g.timeout, "Give up waiting after this long (e.g. 120s)")->type_name("DURATION");
    app.add_option("--set", g.sets, "Override a profile value by its dotted path (repeatable)")->type_name("PATH=VALUE")->allow_extra_args(false);
    app.add_option("--overlay", g.overlays, "Apply the profile's overlay NAME (repeatable)")->type_name("NAME")->allow_extra_args(false);
    app.add_option("--port-offset", g.port_offset, "Shift every published host port by N")->type_name("N");
    app.add_option("--project-name", g.project_name, "Compose project name (default: DEVENV_PROJECT or the folder)")
        ->type_name("NAME");
}

void bind_app(CLI::App& app, GlobalOptions& g) {
    app.formatter(std::make_shared<HelpFormatter>());  // before the commands: they inherit it
    app.footer(exit_codes_help());
    app.require_subcommand(1);
    app.fallthrough();
    app.set_version_flag("--version", std::string(DEVENV_VERSION));
    bind_global_options(app, g);
}

int run_app(int argc, char** argv) {
    Context ctx;
    CLI::App app{"devenv: your infrastructure on your machine and in CI, in one command.", "devenv"};
    bind_app(app, ctx.global);

    register_render(app, ctx);
    register_config(app, ctx);
    register_profiles(app, ctx);
    register_version(app, ctx);
    register_templates(app, ctx);
    register_up(app, ctx);
    register_pull(app, ctx);
    register_wait(app, ctx);
    register_status(app, ctx);
    register_logs(app, ctx);
    register_down(app, ctx);
    register_env(app, ctx);
    register_seed(app, ctx);
    register_reset(app, ctx);
    register_init(app, ctx);
    register_doctor(app, ctx);
    register_completion(app, ctx);

    app.parse_complete_callback([&] {
        ctx.ui = std::make_unique<Ui>(detect_ui_options(ctx.global.json, ctx.global.quiet, ctx.global.verbose,
                                                        ctx.global.no_color, ctx.global.show_secrets));
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::string msg = e.what();
        Ui fallback(detect_ui_options(false, false, false, ctx.global.no_color, false));
        Error err(ErrorKind::usage, msg);
        if (msg.starts_with("The following argument")) {  // CLI11's ExtrasError (its name is the app's)
            err = unexpected_arguments_error(app, e);
        } else if (msg == "A subcommand is required" && argc > 1) {
            err = unknown_command_error(app, std::vector<std::string>(argv + 1, argv + argc));
        } else {
            err.hint("run `devenv --help` for the commands and options");
        }
        fallback.error(err);
        return static_cast<int>(ExitCode::usage);
    } catch (const Error& e) {
        if (interrupted_flag() && e.kind() != ErrorKind::usage && e.kind() != ErrorKind::interrupted) {
            // Ctrl-C reached Compose too; its failure is the interruption, not an engine problem.
            Ui ui = ctx.ui ? *ctx.ui : Ui(detect_ui_options(false, false, false, ctx.global.no_color, false));
            ui.error(Error(ErrorKind::interrupted, "interrupted")
                         .hint("`devenv status` shows what is running; `devenv down` stops it"));
            return interrupted_exit_code();
        }
        Ui fallback = ctx.ui ? *ctx.ui : Ui(detect_ui_options(false, false, false, ctx.global.no_color, false));
        fallback.error(e);
        if (e.kind() == ErrorKind::interrupted) return interrupted_exit_code();
        return static_cast<int>(exit_code_for(e.kind()));
    } catch (const std::exception& e) {
        Ui fallback(detect_ui_options(false, false, false, ctx.global.no_color, false));
        fallback.error(Error(ErrorKind::internal, fmt::format("internal error: {}", e.what())));
        return static_cast<int>(ExitCode::failure);
    }
    if (ctx.exit_code == static_cast<int>(ExitCode::interrupted)) return interrupted_exit_code();
    return ctx.exit_code;
}

}  // namespace devenv

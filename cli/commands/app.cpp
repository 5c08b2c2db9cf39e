#include "commands/app.hpp"

#include <csignal>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands/context.hpp"
#include "ui/cli_spec.hpp"
#include "util/interrupt.hpp"

namespace devenv {

// The exit-code table lives in ui/cli_spec.cpp: --help, the man page and docs/commands.md share it.

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
        err.hint("run `devenv --help` for the commands and options");
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

#pragma once
// Binding the command line: the global options, and each command's options and arguments into
// the struct its core in lifecycle/ receives. Binding only: each register_* (context.hpp) adds
// the callback. Tests parse argv through these and look at the structs.
#include <optional>
#include <string>
#include <vector>

#include "lifecycle/exports.hpp"
#include "lifecycle/init.hpp"
#include "lifecycle/logs.hpp"
#include "lifecycle/pull_run.hpp"
#include "lifecycle/reset_run.hpp"
#include "lifecycle/up_run.hpp"

namespace CLI {
class App;
class ParseError;
}

namespace devenv {

struct GlobalOptions {
    std::string chdir;                       // -C DIR
    std::optional<std::string> file;         // -f FILE
    bool json = false;
    bool quiet = false;
    bool verbose = false;
    bool no_color = false;
    bool show_secrets = false;
    std::optional<std::string> timeout;      // --timeout (duration)
    std::vector<std::string> sets;           // --set PATH=VALUE
    std::vector<std::string> overlays;       // --overlay NAME
    int port_offset = 0;                     // --port-offset N
    std::string project_name;                // --project-name
};
void bind_global_options(CLI::App& app, GlobalOptions& g);
// Whether `command` reads the global option `option` (its long name: "set", "timeout"): shown
// in the command's --help. Commands not in the table (new ones) read them all.
bool global_option_applies(const std::string& command, const std::string& option);
// CLI11's "The following arguments were not expected: --overlya" (an ExtrasError) as a usage
// error naming the command, with "did you mean" from the options that command takes (or from
// the commands, for an unknown command).
class Error;
Error unexpected_arguments_error(const CLI::App& top, const CLI::ParseError& e);
// "A subcommand is required" when argv names a command that does not exist: "no command 'stauts'"
// with the nearest command. `args` is argv without the program's name.
Error unknown_command_error(const CLI::App& top, const std::vector<std::string>& args);
// The top level: the global options, --version, the exit codes in --help, one command required.
void bind_app(CLI::App& app, GlobalOptions& g);

// A profile argument alone (config, doctor).
struct ProfileArgs {
    std::string profile;
};

struct RenderArgs {
    std::string profile;
    std::string output;  // -o FILE
};
CLI::App* bind_render(CLI::App& app, RenderArgs& a);

CLI::App* bind_config(CLI::App& app, ProfileArgs& a);
CLI::App* bind_profiles(CLI::App& app);
CLI::App* bind_version(CLI::App& app);

struct TemplatesArgs {
    std::string name;  // "" = list them
};
CLI::App* bind_templates(CLI::App& app, TemplatesArgs& a);

struct UpArgs {
    std::string profile;
    UpCommandOptions options;  // timeout and interrupted come from the globals
    std::string pull = "missing";  // --pull always|missing|never (into options.pull)
    bool current_env = false;  // --current-env: this shell's variables over the recorded ones
};
CLI::App* bind_up(CLI::App& app, UpArgs& a);

struct PullArgs {
    std::string profile;
    PullCommandOptions options;  // missing_only; interrupted comes from the globals
};
CLI::App* bind_pull(CLI::App& app, PullArgs& a);

struct ServicesArgs {
    std::string profile;
    std::vector<std::string> services;
};
CLI::App* bind_wait(CLI::App& app, ServicesArgs& a);
CLI::App* bind_status(CLI::App& app, ServicesArgs& a);

struct LogsArgs {
    std::string profile;
    LogsOptions options;  // services, follow
    int tail = -1;        // -n N; negative: all
    bool timestamps = false;
    LogsOptions logs_options() const;
};
CLI::App* bind_logs(CLI::App& app, LogsArgs& a);

struct DownArgs {
    std::string profile;
    bool volumes = false;
};
CLI::App* bind_down(CLI::App& app, DownArgs& a);

struct EnvArgs {
    std::string profile;
    std::vector<std::string> services;
    std::string format = "shell";
};
CLI::App* bind_env(CLI::App& app, EnvArgs& a);

struct SeedArgs {
    std::string profile;
    SeedRunOptions options;  // services, force, allow_remote
    std::string only;        // --only KIND ("" = every kind)
    SeedRunOptions seed_options() const;
};
CLI::App* bind_seed(CLI::App& app, SeedArgs& a);

struct ResetArgs {
    std::string profile;
    ResetCommandOptions options;  // services, hard, allow_remote
};
CLI::App* bind_reset(CLI::App& app, ResetArgs& a);

struct InitArgs {
    InitOptions options;  // from, force; -C and -f come from the globals
};
CLI::App* bind_init(CLI::App& app, InitArgs& a);

CLI::App* bind_doctor(CLI::App& app, ProfileArgs& a);

struct CompletionArgs {
    std::string shell;   // bash, zsh, fish
    std::string output;  // -o FILE
};
CLI::App* bind_completion(CLI::App& app, CompletionArgs& a);

}  // namespace devenv

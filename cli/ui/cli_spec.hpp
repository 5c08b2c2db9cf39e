#pragma once
// The command line as plain data (commands/describe_cli.hpp reads it from the CLI11 definitions
// themselves, so that --help, the man page and the shell completions cannot drift apart), and
// what is generated from it: the completion scripts, the man page. Also the exit-code table.
#include <string>
#include <vector>

namespace devenv {

// What completes an option's value or a positional argument.
enum class ValueKind { none, choices, profiles, services, overlays, templates, files, dirs };

struct OptionSpec {
    std::vector<std::string> names;  // "-p", "--profile"; for a positional its name ("services")
    bool positional = false;
    bool takes_value = false;        // false: a flag
    bool repeatable = false;         // a list option or several positionals
    std::string type_name;           // "DIR", "FILE", "SERVICE", ... ("" for flags)
    std::string description;
    ValueKind kind = ValueKind::none;
    std::vector<std::string> choices;  // kind == choices
};

struct CommandSpec {
    std::string name;
    std::string description;
    std::vector<OptionSpec> options;      // named options, --help excluded
    std::vector<OptionSpec> positionals;  // in order
};

struct CliSpec {
    std::string name;
    std::string description;
    std::vector<OptionSpec> globals;
    std::vector<CommandSpec> commands;  // visible subcommands, in registration order
};

struct ExitCodeDoc {
    int code;
    const char* meaning;
};
const std::vector<ExitCodeDoc>& exit_code_table();
// "Exit codes:\n  0    success\n..." for the --help footer.
std::string exit_codes_help();

std::string bash_completion(const CliSpec& spec);
std::string zsh_completion(const CliSpec& spec);
std::string fish_completion(const CliSpec& spec);
// roff source of devenv(1).
std::string man_page(const CliSpec& spec, const std::string& version);

}  // namespace devenv

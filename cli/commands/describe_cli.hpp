#pragma once
// The command line as plain data (ui/cli_spec.hpp), read from the CLI11 definitions themselves.
#include "ui/cli_spec.hpp"

namespace CLI {
class App;
}

namespace devenv {

// Hidden subcommands (helpers for scripts) start with "__" and are left out.
CliSpec describe_cli(const CLI::App& app);

}  // namespace devenv

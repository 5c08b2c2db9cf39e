#pragma once
namespace devenv {
// Parses the command line, runs the command, maps errors to exit codes.
int run_app(int argc, char** argv);
}  // namespace devenv

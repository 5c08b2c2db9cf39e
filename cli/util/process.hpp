#pragma once
// Subprocesses get an argv, never a shell string.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace devenv {

struct ProcessOptions {
    std::vector<std::pair<std::string, std::string>> env;  // added to / overriding the environment
    std::optional<std::string> cwd;
    std::optional<std::string> stdin_data;   // written to the child's stdin, then closed
    bool capture_stdout = true;               // false: the child inherits our stdout
    bool capture_stderr = true;               // false: inherits our stderr
    std::optional<std::chrono::milliseconds> timeout;  // killed (SIGTERM, then SIGKILL) after
};

struct ProcessResult {
    int exit_code = -1;       // 128+signal when killed by a signal
    std::string out;
    std::string err;
    bool timed_out = false;
};

// Throws Error(io) only when the program cannot be started (not found, not executable).
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& opts = {});

// Full path of an executable found on PATH, or nullopt.
std::optional<std::string> find_program(const std::string& name);

}  // namespace devenv

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
    std::optional<std::string> stdin_data;   // written to the child's stdin, then closed;
                                             // without it, stdin is /dev/null (never our TTY)
    bool capture_stdout = true;               // false: the child inherits our stdout
    bool capture_stderr = true;               // false: inherits our stderr
    std::optional<std::chrono::milliseconds> timeout;  // then SIGTERM, and SIGKILL 3 s later
    // The child in a process group of its own: the terminal's Ctrl-C does not reach it, so work
    // that must not stop halfway (`compose down`) finishes even when the user interrupts devenv.
    bool own_process_group = false;
};

struct ProcessResult {
    int exit_code = -1;       // 128+signal when killed by a signal
    std::string out;
    std::string err;
    bool timed_out = false;
};

// Waits for the child; reads stdout and stderr together (no pipe deadlock). Once the child has
// exited, only output already buffered is read: a grandchild holding the pipes open does not
// block. Safe to call from several threads at once.
// Throws Error(io) only when the program cannot be started (not found, not executable, bad cwd).
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& opts = {});

// Full path of an executable found on PATH, or nullopt.
std::optional<std::string> find_program(const std::string& name);

}  // namespace devenv

#pragma once
// Ctrl-C: the first SIGINT (or SIGTERM) sets a flag that waits poll, so a command can stop
// cleanly and leave the project consistent; a second one ends the process at once.
#include <atomic>

namespace devenv {

// Also ignores SIGPIPE: a closed pipe is an error return, never a silent death.
void install_interrupt_handler();

const std::atomic<bool>& interrupted_flag();

// 128 + the first signal received, as shells report it: 130 for SIGINT, 143 for SIGTERM.
int interrupted_exit_code();

// Back to the default action (for commands that have nothing to clean up, like `logs -f`).
void restore_default_interrupt();

}  // namespace devenv

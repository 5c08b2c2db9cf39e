#pragma once
// The only place that writes to the terminal. Commands hand it data; it decides colour,
// plain CI lines or JSON.
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace devenv {

struct UiOptions {
    bool json = false;
    bool quiet = false;
    bool verbose = false;
    bool color = true;    // already false when --no-color, NO_COLOR or stdout is not a TTY
    bool tty = false;     // stderr is a terminal and CI is not set: live lines allowed
    bool show_secrets = false;
};

class Ui {
public:
    explicit Ui(UiOptions o) : opts_(o) {}
    const UiOptions& options() const { return opts_; }

    // Results: stdout, always (even with --quiet: they are what was asked for).
    void out(std::string_view text) const;
    // Progress and notes: stderr; dropped with --quiet.
    void note(std::string_view text) const;
    void verbose(std::string_view text) const;
    void warn(std::string_view text) const;
    void error(const Error& e) const;

    std::string bold(std::string_view s) const;
    std::string green(std::string_view s) const;
    std::string red(std::string_view s) const;
    std::string yellow(std::string_view s) const;
    std::string dim(std::string_view s) const;

private:
    UiOptions opts_;
};

// Decides colour and TTY from the environment and the flags.
UiOptions detect_ui_options(bool json, bool quiet, bool verbose, bool no_color, bool show_secrets);

// "file:line:col: path: message", the source line and a caret, hints. No colour codes.
std::string format_error(const Error& e, bool color = false);

}  // namespace devenv

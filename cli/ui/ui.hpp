#pragma once
// The only place that writes to the terminal. Commands hand it data; it decides colour,
// plain CI lines or JSON.
#include <functional>
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

// Where a Ui writes: the process's stdout and stderr, unless a test gives its own.
struct UiSink {
    std::function<void(std::string_view)> out;  // results
    std::function<void(std::string_view)> err;  // progress, notes, warnings, errors
};

class Ui {
public:
    explicit Ui(UiOptions o, UiSink sink = {}) : opts_(o), sink_(std::move(sink)) {}
    const UiOptions& options() const { return opts_; }

    // Results: stdout, always (even with --quiet: they are what was asked for).
    void out(std::string_view text) const;
    // Progress and notes: stderr; dropped with --quiet.
    void note(std::string_view text) const;
    void verbose(std::string_view text) const;
    void warn(std::string_view text) const;
    void error(const Error& e) const;
    // The live block of a wait on a terminal: stderr as is (cursor movement, no newline added).
    void live(std::string_view block) const;

    std::string bold(std::string_view s) const;
    std::string green(std::string_view s) const;
    std::string red(std::string_view s) const;
    std::string yellow(std::string_view s) const;
    std::string dim(std::string_view s) const;

private:
    void write(bool to_err, std::string_view text) const;

    UiOptions opts_;
    UiSink sink_;
};

// Decides colour and TTY from the environment and the flags.
UiOptions detect_ui_options(bool json, bool quiet, bool verbose, bool no_color, bool show_secrets);

// "file:line:col: path: message", the source line and a caret, hints. No colour codes.
std::string format_error(const Error& e, bool color = false);

}  // namespace devenv

#pragma once
// The one error type. Thrown anywhere, caught once in main, rendered by ui/.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace devenv {

// Exit statuses: the contract users script against (docs/commands.md).
enum class ExitCode : int {
    ok = 0,
    failure = 1,       // anything else
    usage = 2,         // bad command line or profile
    engine = 3,        // container engine or Compose unavailable or failed
    not_ready = 4,     // a service did not become ready (timeout or exited)
    seed = 5,          // seeding or reset failed
    interrupted = 130,
};

enum class ErrorKind {
    usage,       // command line
    profile,     // profile / template / seed file content
    io,          // reading or writing local files
    engine,      // docker engine or compose
    not_ready,   // wait / probe failure
    seed,        // seeding or reset
    interrupted,
    internal,
};

ExitCode exit_code_for(ErrorKind kind);

struct SourceLocation {
    std::string file;   // as the user would type it (relative when possible)
    int line = 0;       // 1-based; 0 = unknown
    int column = 0;     // 1-based; 0 = unknown
    std::string source_line;  // the text of that line, for the caret display; may be empty
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string message);
    Error(ErrorKind kind, std::string message, SourceLocation where, std::string key_path = {});

    ErrorKind kind() const { return kind_; }
    const std::string& message() const { return message_; }
    const std::optional<SourceLocation>& where() const { return where_; }
    const std::string& key_path() const { return key_path_; }
    const std::vector<std::string>& hints() const { return hints_; }
    // Extra lines shown after the message (e.g. the last log lines of a failed container).
    const std::vector<std::string>& details() const { return details_; }

    Error& hint(std::string h) { hints_.push_back(std::move(h)); return *this; }
    Error& detail(std::string d) { details_.push_back(std::move(d)); return *this; }

private:
    ErrorKind kind_;
    std::string message_;
    std::optional<SourceLocation> where_;
    std::string key_path_;
    std::vector<std::string> hints_;
    std::vector<std::string> details_;
};

}  // namespace devenv

#include "util/error.hpp"

namespace devenv {

ExitCode exit_code_for(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::usage:
    case ErrorKind::profile: return ExitCode::usage;
    case ErrorKind::engine: return ExitCode::engine;
    case ErrorKind::not_ready: return ExitCode::not_ready;
    case ErrorKind::seed: return ExitCode::seed;
    case ErrorKind::interrupted: return ExitCode::interrupted;
    case ErrorKind::io:
    case ErrorKind::internal: return ExitCode::failure;
    }
    return ExitCode::failure;
}

Error::Error(ErrorKind kind, std::string message)
    : std::runtime_error(message), kind_(kind), message_(std::move(message)) {}

Error::Error(ErrorKind kind, std::string message, SourceLocation where, std::string key_path)
    : std::runtime_error(message),
      kind_(kind),
      message_(std::move(message)),
      where_(std::move(where)),
      key_path_(std::move(key_path)) {}

}  // namespace devenv

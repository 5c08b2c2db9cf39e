#include "util/env.hpp"

#include <cstdlib>

namespace devenv {

std::optional<std::string> env_value(std::string_view name) {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
}

EnvLookup process_env() { return env_value; }

}  // namespace devenv

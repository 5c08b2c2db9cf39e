#pragma once
// Environment variables, read through a lookup function so that the profile loader, `.env`
// files and interpolation can be handed another environment: a test's, or the one `up`
// recorded (state.json) when `reset` or `down` load the profile again.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace devenv {

// Unset is nullopt; set but empty is "".
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// A variable of this process's environment.
std::optional<std::string> env_value(std::string_view name);

// env_value as an EnvLookup.
EnvLookup process_env();

}  // namespace devenv

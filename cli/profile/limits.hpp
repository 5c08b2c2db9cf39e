#pragma once
// What one profile load may chain: limits no profile can defeat, on top of the YAML ones
// (yaml/limits.hpp) and interpolation's (util/interpolate.hpp). Documented in docs/profiles.md.
#include <cstddef>

namespace devenv {

inline constexpr std::size_t kMaxExtendsDepth = 32;  // profiles in one `extends` chain
inline constexpr std::size_t kMaxParamDepth = 64;    // template parameters whose defaults name each other in a chain

}  // namespace devenv

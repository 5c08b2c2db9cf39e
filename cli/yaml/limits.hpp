#pragma once
// What one YAML document may expand to: limits a profile, an overlay or a --set value cannot
// defeat (alias bombs, cycles, deep nesting, huge files). Documented in docs/profiles.md.
#include <cstddef>

namespace devenv {

inline constexpr std::size_t kYamlMaxFileBytes = 16u << 20;  // one file's text
inline constexpr std::size_t kYamlMaxNodes = 400'000;        // nodes after alias expansion
inline constexpr std::size_t kYamlMaxBytes = 32u << 20;      // scalar text after alias expansion
inline constexpr std::size_t kYamlMaxDepth = 256;            // nested mappings and sequences

}  // namespace devenv

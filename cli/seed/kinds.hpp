#pragma once
// The table of seed kinds (seed/kinds.cpp): one row per kind, defined in the kind's own file.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "seed/kind.hpp"

namespace devenv {

std::span<const SeedKind* const> seed_kinds();
// nullptr when no kind has that name.
const SeedKind* find_seed_kind(std::string_view name);
std::vector<std::string> seed_kind_names();

}  // namespace devenv

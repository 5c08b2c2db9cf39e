#pragma once
// "Did you mean": the nearest candidate by edit distance (with transpositions), if near enough.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace devenv {

std::size_t edit_distance(std::string_view a, std::string_view b);
std::optional<std::string> suggest(std::string_view input, const std::vector<std::string>& candidates);

}  // namespace devenv

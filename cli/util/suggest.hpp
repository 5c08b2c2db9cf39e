#pragma once
// "Did you mean": the nearest candidate by edit distance, if near enough to be a typo.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace devenv {

// Optimal string alignment distance (Damerau-Levenshtein restricted to adjacent transpositions,
// each substring edited once): insertions, deletions, substitutions and swaps of two neighbours
// cost 1 each. Case-sensitive, byte-wise.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `input` ignoring case, when its distance is at most
// max(1, size/3) (as ninja and ccache judge typos); ties go to the earlier candidate. An equal
// candidate, then one equal but for case, wins outright. Failing that, the only candidate that
// begins `input` or that `input` begins (3 characters or more): "local" -> "localstack",
// "boolean" -> "bool". Otherwise nothing.
std::optional<std::string> suggest(std::string_view input, const std::vector<std::string>& candidates);

}  // namespace devenv

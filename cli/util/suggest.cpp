#include "util/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace devenv {

namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
}  // namespace

// Optimal string alignment distance: insertions, deletions, substitutions and adjacent
// transpositions ("versoin" -> "version" is one edit).
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

std::optional<std::string> suggest(std::string_view input, const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    std::size_t best_d = 0;
    std::size_t limit = std::max<std::size_t>(1, input.size() / 3);
    for (const auto& c : candidates) {
        if (c == input) continue;
        std::size_t d = edit_distance(input, c);
        // A candidate that contains the input (or the reverse) is a likely meaning too: "dynamo" -> "dynamodb".
        bool contains = input.size() >= 3 && (c.find(input) != std::string::npos || input.find(c) != std::string_view::npos);
        if ((d <= limit || contains) && (!best || d < best_d)) {
            best = c;
            best_d = d;
        }
    }
    return best;
}

}  // namespace devenv

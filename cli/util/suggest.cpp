#include "util/suggest.hpp"

#include <algorithm>

#include "util/strings.hpp"

namespace devenv {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rows suffice: a transposition looks two rows back.
    std::vector<std::size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                cur[j] = std::min(cur[j], before[j - 2] + 1);
        }
        std::swap(before, prev);
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::optional<std::string> suggest(std::string_view input, const std::vector<std::string>& candidates) {
    for (const auto& c : candidates)
        if (c == input) return c;
    for (const auto& c : candidates)
        if (iequals(c, input)) return c;
    std::string lowered = lowercase(input);
    std::size_t limit = std::max<std::size_t>(1, input.size() / 3);
    const std::string* best = nullptr;
    std::size_t best_distance = 0;
    for (const auto& c : candidates) {
        std::size_t d = edit_distance(lowered, lowercase(c));
        if (d <= limit && (!best || d < best_distance)) {
            best = &c;
            best_distance = d;
        }
    }
    if (best) return *best;
    // A name cut short ("local" for "localstack") or spelled out ("boolean" for "bool") is a
    // likelier meaning than a far one, but only when no other candidate reads the same way.
    const std::string* only = nullptr;
    for (const auto& c : candidates) {
        std::string lc = lowercase(c);
        bool related = std::min(lc.size(), lowered.size()) >= 3 && (lc.starts_with(lowered) || lowered.starts_with(lc));
        if (!related) continue;
        if (only) return std::nullopt;
        only = &c;
    }
    return only ? std::optional<std::string>(*only) : std::nullopt;
}

}  // namespace devenv

#include "profile/tree_interpolate.hpp"

#include <fmt/format.h>

#include "util/interpolate.hpp"

namespace devenv {

std::string interpolate_string(const Value& node, const std::string& path, const EnvLookup& lookup) {
    auto r = try_interpolate(node.text(), lookup);
    if (r.ok) return r.value;
    Mark at = node.mark();
    // Point at the offending character when the scalar sits on one line as written.
    if (at.known() && r.offset > 0) {
        std::string line = at.file->line(at.line);
        auto col = static_cast<std::size_t>(at.column - 1);
        if (col < line.size() && line.compare(col, node.text().size(), node.text()) == 0)
            at.column += static_cast<int>(r.offset);
        else if (col < line.size() && (line[col] == '"' || line[col] == '\'') &&
                 line.compare(col + 1, node.text().size(), node.text()) == 0)
            at.column += static_cast<int>(r.offset) + 1;
    }
    throw error_at(at, path, r.message);
}

void interpolate_tree(Value& node, const std::string& path, const EnvLookup& lookup,
                      const std::set<std::string>& skip) {
    if (skip.count(path)) return;
    if (node.is_string()) {
        if (!has_interpolation(node.text())) return;
        Value out = Value::string(interpolate_string(node, path, lookup), node.mark(), node.quoted());
        node = std::move(out);
    } else if (node.is_sequence()) {
        for (std::size_t i = 0; i < node.items().size(); ++i)
            interpolate_tree(node.items()[i], index_path(path, i), lookup, skip);
    } else if (node.is_mapping()) {
        for (auto& e : node.entries()) interpolate_tree(e.value, join_path(path, e.key), lookup, skip);
    }
}

}  // namespace devenv

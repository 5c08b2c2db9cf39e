#include "yaml/merge.hpp"

#include <fmt/format.h>

namespace devenv {
namespace {

bool is_named_list(const Value& v) {
    if (!v.is_sequence() || v.items().empty()) return false;
    for (const Value& item : v.items()) {
        const Value* n = item.is_mapping() ? item.find("name") : nullptr;
        if (!n || !n->is_scalar()) return false;
    }
    return true;
}

bool replaces_whole(const std::string& key) {
    return key == "command" || key == "entrypoint" || key == "test";
}

Value merge_lists(const Value& base, const Value& over) {
    if ((is_named_list(base) || base.items().empty()) && is_named_list(over)) {
        Value out = base;
        for (const Value& item : over.items()) {
            const std::string& name = item.find("name")->text();
            bool merged = false;
            for (Value& existing : out.items()) {
                if (existing.find("name")->text() == name) {
                    existing = deep_merge(existing, item);
                    merged = true;
                    break;
                }
            }
            if (!merged) out.push_back(item);
        }
        return out;
    }
    Value out = base;
    for (const Value& item : over.items()) {
        bool present = false;
        for (const Value& existing : out.items())
            if (existing == item) present = true;
        if (!present) out.push_back(item);
    }
    out.set_mark(over.mark());
    return out;
}

Value merge_with_key(const Value& base, const Value& over, const std::string& key) {
    if (base.is_mapping() && over.is_mapping()) return deep_merge(base, over);
    if (base.is_sequence() && over.is_sequence() && !replaces_whole(key)) return merge_lists(base, over);
    return over;
}

}  // namespace

Value deep_merge(const Value& base, const Value& over) {
    if (!base.is_mapping() || !over.is_mapping()) return merge_with_key(base, over, {});
    Value out = base;
    for (const Value::Entry& e : over.entries()) {
        if (Value* existing = out.find(e.key)) {
            *existing = merge_with_key(*existing, e.value, e.key);
        } else {
            out.set(e.key, e.value, e.key_mark);
        }
    }
    return out;
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::string cur;
    bool quoted = false;
    bool have = false;
    for (std::size_t i = 0; i < path.size(); ++i) {
        char c = path[i];
        if (quoted) {
            if (c == '"') quoted = false;
            else cur += c;
            continue;
        }
        if (c == '"') {
            quoted = true;
            have = true;
        } else if (c == '.') {
            if (!have && cur.empty()) throw Error(ErrorKind::usage, fmt::format("malformed path '{}': empty key", path));
            parts.push_back(cur);
            cur.clear();
            have = false;
        } else if (c == '[') {
            if (have || !cur.empty()) parts.push_back(cur);
            auto close = path.find(']', i);
            if (close == std::string::npos)
                throw Error(ErrorKind::usage, fmt::format("malformed path '{}': missing ']'", path));
            parts.push_back(path.substr(i, close - i + 1));
            cur.clear();
            have = false;
            i = close;
            if (i + 1 < path.size() && path[i + 1] == '.') ++i;
        } else {
            cur += c;
            have = true;
        }
    }
    if (quoted) throw Error(ErrorKind::usage, fmt::format("malformed path '{}': unterminated quote", path));
    if (have || !cur.empty()) parts.push_back(cur);
    if (parts.empty()) throw Error(ErrorKind::usage, "empty path");
    return parts;
}

void set_path(Value& root, const std::string& path, Value value) {
    std::vector<std::string> parts = split_path(path);
    Value* node = &root;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::string& p = parts[i];
        bool last = i + 1 == parts.size();
        if (p.size() >= 2 && p.front() == '[' && p.back() == ']') {
            std::size_t idx = 0;
            try {
                idx = std::stoul(p.substr(1, p.size() - 2));
            } catch (...) {
                throw Error(ErrorKind::usage, fmt::format("malformed path '{}': bad index {}", path, p));
            }
            if (!node->is_sequence() || idx >= node->items().size())
                throw Error(ErrorKind::usage, fmt::format("path '{}': no list item {}", path, p));
            node = &node->items()[idx];
            if (last) *node = std::move(value);
            continue;
        }
        if (!node->is_mapping()) *node = Value::mapping(value.mark());
        if (last) {
            node->set(p, std::move(value), value.mark());
            return;
        }
        Value* next = node->find(p);
        if (!next) next = &node->set(p, Value::mapping(value.mark()), value.mark());
        node = next;
    }
}

}  // namespace devenv

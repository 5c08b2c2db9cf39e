#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "util/strings.hpp"
#include "yaml/limits.hpp"
#include "yaml/yaml.hpp"

namespace devenv {
namespace {

Mark mark_of(const std::shared_ptr<const SourceFile>& file, const YAML::Mark& m) {
    Mark out;
    out.file = file;
    out.line = m.line + 1;
    out.column = m.column + 1;
    return out;
}

// One conversion of a parsed document into a Value tree. Aliases are expanded (a Value tree has
// no sharing), so the input's size says little about the output's: the converter counts the
// nodes and scalar bytes it makes and refuses a document past the limits, and refuses an alias
// that refers to a node it is part of (yaml-cpp builds a cycle for `&a {b: *a}`).
class Converter {
public:
    explicit Converter(std::shared_ptr<const SourceFile> file) : file_(std::move(file)) {}

    Value convert(const YAML::Node& node, const std::string& path) {
        Mark m = mark_of(file_, node.Mark());
        if (++nodes_ > kYamlMaxNodes)
            throw error_at(m, path, fmt::format("the document expands to more than {} nodes", kYamlMaxNodes))
                .hint("YAML aliases (*name) copy what their anchor holds; nest fewer of them");
        switch (node.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null: return Value::null(m);
        case YAML::NodeType::Scalar: {
            bytes_ += node.Scalar().size();
            if (bytes_ > kYamlMaxBytes)
                throw error_at(m, path, fmt::format("the document expands to more than {} MiB of text",
                                                    kYamlMaxBytes >> 20))
                    .hint("YAML aliases (*name) copy what their anchor holds; nest fewer of them");
            // "!" is yaml-cpp's tag for quoted (non-plain) scalars; they are always strings.
            if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return Value::string(node.Scalar(), m, true);
            return Value::from_plain_scalar(node.Scalar(), m);
        }
        case YAML::NodeType::Sequence:
        case YAML::NodeType::Map: break;
        }
        Enter enter(*this, node, m, path);
        if (node.Type() == YAML::NodeType::Map) return convert_map(node, m, path);
        Value out = Value::sequence(m);
        std::size_t i = 0;
        for (const YAML::Node& item : node) out.push_back(convert(item, index_path(path, i++)));
        return out;
    }

private:
    // Marks a collection as being converted, for the cycle and depth checks.
    struct Enter {
        Converter& c;
        Enter(Converter& conv, const YAML::Node& node, const Mark& m, const std::string& path) : c(conv) {
            for (const YAML::Node& open : c.open_)
                if (open.is(node))
                    throw error_at(m, path, "this alias refers to a node that contains it (a cycle)")
                        .hint("an anchor (&name) cannot be used (*name) inside itself");
            if (c.open_.size() >= kYamlMaxDepth)
                throw error_at(m, path, fmt::format("nested more than {} levels deep", kYamlMaxDepth));
            c.open_.push_back(node);
        }
        ~Enter() { c.open_.pop_back(); }
        Enter(const Enter&) = delete;
        Enter& operator=(const Enter&) = delete;
    };

    static void merge_into(Value& target, std::unordered_set<std::string>& keys, const Value& source) {
        // `<<` keys: entries already in the target win, as YAML's merge key specifies.
        for (const auto& e : source.entries())
            if (keys.insert(e.key).second) target.append_entry(e.key, e.value, e.key_mark);
    }

    Value convert_map(const YAML::Node& node, const Mark& m, const std::string& path) {
        Value out = Value::mapping(m);
        std::vector<Value> merges;
        std::unordered_map<std::string, int> lines;  // key -> line it was first defined on
        for (auto it = node.begin(); it != node.end(); ++it) {
            // Copies: the iterator's pair is a temporary, a reference to its members dangles.
            const YAML::Node k = it->first;
            const YAML::Node v = it->second;
            Mark km = mark_of(file_, k.Mark());
            if (!k.IsScalar()) throw error_at(km, path, "mapping keys must be plain strings");
            std::string key = k.Scalar();
            if (key == "<<" && k.Tag() == "?") {
                Value merged = convert(v, path);
                if (merged.is_mapping()) {
                    merges.push_back(std::move(merged));
                } else if (merged.is_sequence()) {
                    for (Value& item : merged.items()) {
                        if (!item.is_mapping())
                            throw error_at(item.mark(), path, "'<<' takes a mapping or a list of mappings");
                        merges.push_back(std::move(item));
                    }
                } else {
                    throw error_at(km, path, "'<<' takes a mapping or a list of mappings");
                }
                continue;
            }
            std::string child = join_path(path, key);
            auto [at, fresh] = lines.emplace(key, km.line);
            if (!fresh)
                throw error_at(km, child, fmt::format("duplicate key '{}' (first defined on line {})", key, at->second));
            out.append_entry(std::move(key), convert(v, child), km);
        }
        if (!merges.empty()) {
            std::unordered_set<std::string> keys;
            for (const auto& e : out.entries()) keys.insert(e.key);
            for (const Value& merged : merges) merge_into(out, keys, merged);
        }
        return out;
    }

    std::shared_ptr<const SourceFile> file_;
    std::vector<YAML::Node> open_;
    std::size_t nodes_ = 0;
    std::size_t bytes_ = 0;
};

}  // namespace

Value parse_yaml(std::string text, std::string path, std::string base_dir) {
    if (text.size() > kYamlMaxFileBytes)
        throw Error(ErrorKind::profile, fmt::format("{}: {} MiB is larger than the {} MiB a YAML file may have", path,
                                                    text.size() >> 20, kYamlMaxFileBytes >> 20));
    auto file = std::make_shared<SourceFile>(SourceFile{std::move(path), std::move(text), std::move(base_dir)});
    // A NUL byte is valid UTF-8 but no YAML: yaml-cpp takes NULs at the start for UTF-16 or
    // UTF-32 without a byte order mark and decodes the rest into other text (fuzzing found it).
    std::optional<std::size_t> bad = invalid_utf8_at(file->text);
    std::size_t nul = file->text.find('\0');
    if (nul != std::string::npos && (!bad || nul < *bad)) bad = nul;
    if (bad) {
        std::string_view before = std::string_view(file->text).substr(0, *bad);
        std::size_t nl = before.rfind('\n');
        int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
        int column = 1 + static_cast<int>(nl == std::string_view::npos ? *bad : *bad - nl - 1);
        throw error_at(Mark{file, line, column, {}}, {},
                       *bad == nul ? "this byte is NUL, which YAML text cannot hold" : "this byte is not valid UTF-8")
            .hint("YAML files are UTF-8; save the file as UTF-8");
    }
    YAML::Node root;
    try {
        root = YAML::Load(file->text);
    } catch (const YAML::DeepRecursion& e) {
        throw error_at(mark_of(file, e.mark), {}, "nested too deeply for a YAML document (yaml-cpp's limit)");
    } catch (const YAML::ParserException& e) {
        Mark m = mark_of(file, e.mark);
        if (e.mark.is_null()) m = Mark{file, 1, 1, {}};
        Error err = error_at(m, {}, fmt::format("YAML syntax error: {}", e.msg));
        std::string line = file->line(m.line);
        if (line.find('\t') != std::string::npos && line.find_first_not_of(" \t") > line.find('\t'))
            err.hint("YAML does not allow tabs for indentation; indent with spaces");
        throw err;
    }
    return Converter(file).convert(root, {});
}

Value load_yaml_file(const std::string& path, const std::string& shown_as) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::io, fmt::format("cannot read {}", shown_as.empty() ? path : shown_as));
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_yaml(ss.str(), shown_as.empty() ? path : shown_as);
}

}  // namespace devenv

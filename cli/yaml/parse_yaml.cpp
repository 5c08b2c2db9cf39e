#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

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

Value convert(const YAML::Node& node, const std::shared_ptr<const SourceFile>& file,
              const std::string& path);

void merge_into(Value& target, const Value& source) {
    // `<<` keys: entries already in the target win, as YAML's merge key specifies.
    for (const auto& e : source.entries())
        if (!target.has(e.key)) target.set(e.key, e.value, e.key_mark);
}

Value convert_map(const YAML::Node& node, const std::shared_ptr<const SourceFile>& file,
                  const std::string& path) {
    Value out = Value::mapping(mark_of(file, node.Mark()));
    std::vector<Value> merges;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node& k = it->first;
        Mark km = mark_of(file, k.Mark());
        if (!k.IsScalar()) throw error_at(km, path, "mapping keys must be plain strings");
        std::string key = k.Scalar();
        if (key == "<<" && k.Tag() == "?") {
            Value merged = convert(it->second, file, path);
            if (merged.is_mapping()) {
                merges.push_back(std::move(merged));
            } else if (merged.is_sequence()) {
                for (Value& m : merged.items()) {
                    if (!m.is_mapping()) throw error_at(m.mark(), path, "'<<' takes a mapping or a list of mappings");
                    merges.push_back(std::move(m));
                }
            } else {
                throw error_at(km, path, "'<<' takes a mapping or a list of mappings");
            }
            continue;
        }
        std::string child = join_path(path, key);
        if (const Value::Entry* prev = out.find_entry(key)) {
            throw error_at(km, child,
                           fmt::format("duplicate key '{}' (first defined on line {})", key, prev->key_mark.line));
        }
        out.set(key, convert(it->second, file, child), km);
    }
    for (const Value& m : merges) merge_into(out, m);
    return out;
}

Value convert(const YAML::Node& node, const std::shared_ptr<const SourceFile>& file,
              const std::string& path) {
    Mark m = mark_of(file, node.Mark());
    switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return Value::null(m);
    case YAML::NodeType::Scalar:
        // "!" is yaml-cpp's tag for quoted (non-plain) scalars; they are always strings.
        if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str")
            return Value::string(node.Scalar(), m, true);
        return Value::from_plain_scalar(node.Scalar(), m);
    case YAML::NodeType::Sequence: {
        Value out = Value::sequence(m);
        std::size_t i = 0;
        for (const YAML::Node& item : node) out.push_back(convert(item, file, index_path(path, i++)));
        return out;
    }
    case YAML::NodeType::Map: return convert_map(node, file, path);
    }
    return Value::null(m);
}

}  // namespace

Value parse_yaml(std::string text, std::string path, std::string base_dir) {
    auto file = std::make_shared<SourceFile>(SourceFile{std::move(path), std::move(text), std::move(base_dir)});
    YAML::Node root;
    try {
        root = YAML::Load(file->text);
    } catch (const YAML::ParserException& e) {
        Mark m = mark_of(file, e.mark);
        if (e.mark.is_null()) m = Mark{file, 1, 1, {}};
        Error err = error_at(m, {}, fmt::format("YAML syntax error: {}", e.msg));
        std::string line = file->line(m.line);
        if (line.find('\t') != std::string::npos && line.find_first_not_of(" \t") > line.find('\t'))
            err.hint("YAML does not allow tabs for indentation; indent with spaces");
        throw err;
    }
    return convert(root, file, {});
}

Value load_yaml_file(const std::string& path, const std::string& shown_as) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::io, fmt::format("cannot read {}", shown_as.empty() ? path : shown_as));
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_yaml(ss.str(), shown_as.empty() ? path : shown_as);
}

}  // namespace devenv

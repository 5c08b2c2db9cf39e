#pragma once
// Reading YAML into a positioned Value tree, and writing a Value tree as YAML.
#include <memory>
#include <string>

#include "yaml/value.hpp"

namespace devenv {

// Parses `text` (shown to the user as `path`). Throws Error(profile) at the offending position on
// syntax errors and duplicate keys. Merge keys (`<<: *anchor`) are applied. Empty text -> null.
Value parse_yaml(std::string text, std::string path, std::string base_dir = {});

// Reads and parses a file; Error(io) when it cannot be read.
Value load_yaml_file(const std::string& path, const std::string& shown_as = {});

// Block-style YAML, keys in the tree's order, strings quoted when YAML would read them as
// something else. Deterministic: the same tree gives the same bytes.
std::string emit_yaml(const Value& v);

}  // namespace devenv

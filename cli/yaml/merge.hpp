#pragma once
// Deep merge of two documents (extends, overlays, template + profile service):
// - mappings merge key by key, recursively; scalars and mismatched types are replaced;
// - lists whose items are all mappings with a `name` key merge item by item, by name;
// - lists under a key in `replace_keys` (command, entrypoint, test) are replaced;
// - other lists are appended, dropping items already present.
// The result keeps the marks of whichever side each node came from.
#include "yaml/value.hpp"

namespace devenv {

Value deep_merge(const Value& base, const Value& over);

// Sets `value` at a dotted path (`services.postgres.image`, `a."dotted.key".b`, `list[2]`),
// creating mappings on the way. Throws Error(usage) for a malformed path or an index past
// the end of a list.
void set_path(Value& root, const std::string& path, Value value);
std::vector<std::string> split_path(const std::string& path);  // Error(usage) when malformed

}  // namespace devenv

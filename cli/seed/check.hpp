#pragma once
// The check of a loaded profile's seed blocks (seed.SERVICE.KIND) through the table of seed
// kinds: the kind exists, the service's template takes it, the emulator serves its AWS API, its
// schema, and its own checks (references inside the block and to sibling blocks). Errors carry
// file:line:col of the offending node, the dotted path, and "did you mean".
#include <set>
#include <string>

#include "profile/load.hpp"
#include "profile/model.hpp"

namespace devenv {

// Throws Error(profile) at the first problem; marks every declaration checked.
void check_seed_declarations(Profile& profile);

// What every command loads a profile with: load_profile, then check_seed_declarations.
Profile load_checked_profile(const LoadOptions& opts);

// For kinds' checks: the `key` of every mapping in a list.
std::set<std::string> names_in(const Value* list, const char* key = "name");
// Throws "unknown WHAT 'x'" at ref, with "did you mean" or the declared names.
void must_name(const Value& ref, const std::set<std::string>& known, const std::string& path, const std::string& what);

}  // namespace devenv

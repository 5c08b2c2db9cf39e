#pragma once
// Interpolating the strings of a Value tree, with errors pointing at the node.
#include <functional>
#include <set>
#include <string>

#include "profile/load.hpp"
#include "yaml/value.hpp"

namespace devenv {

// Interpolates one scalar node's text; errors are raised at the node's position.
std::string interpolate_string(const Value& node, const std::string& path, const EnvLookup& lookup);

// Every string scalar below `node`, in place (keys are left alone). Subtrees whose path is in
// `skip` are not touched.
void interpolate_tree(Value& node, const std::string& path, const EnvLookup& lookup,
                      const std::set<std::string>& skip = {});

}  // namespace devenv

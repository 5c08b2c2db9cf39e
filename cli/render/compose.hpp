#pragma once
// The Compose renderer: model in, YAML text out. Pure and deterministic.
#include <string>

#include "profile/model.hpp"

namespace devenv {

// The Compose document as a tree (every `$` already escaped as `$$`, since the model holds
// resolved values and Compose would otherwise interpolate them again).
Value compose_document(const Profile& profile);

// The whole file, starting with a generated-by marker.
std::string render_compose(const Profile& profile);

}  // namespace devenv

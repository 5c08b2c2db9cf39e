#pragma once
// Showing `devenv config`: the resolved profile (after extends, overlays, --set, interpolation
// and templates) as YAML, or as JSON with --json; secrets masked.
#include <string>

#include "profile/model.hpp"
#include "ui/ui.hpp"
#include "yaml/value.hpp"

namespace devenv {

// The resolved profile as a document: what devenv will run.
Value resolved_profile(const Profile& p);
std::string format_config(const Ui& ui, const Profile& p);

}  // namespace devenv

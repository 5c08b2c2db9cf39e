#pragma once
// Showing `devenv profiles`, `devenv templates [NAME]` and `devenv version`: tables, or JSON
// documents with --json.
#include <string>
#include <vector>

#include "lifecycle/catalog.hpp"
#include "profile/discover.hpp"
#include "ui/ui.hpp"

namespace devenv {

std::string format_profiles(const Ui& ui, const std::vector<ProfileInfo>& list);
// The templates, then the seed kinds.
std::string format_templates(const Ui& ui, const TemplateCatalog& catalog);
// One template: its parameters, exports and seed kinds (its document with --json).
std::string format_template(const Ui& ui, const TemplateDescription& t);
std::string format_version(const Ui& ui, const std::string& version);

}  // namespace devenv

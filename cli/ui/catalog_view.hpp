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
std::string format_templates(const Ui& ui, const std::vector<TemplateSummary>& list);
// One template: its parameters, exports and seed kinds.
std::string format_template(const Ui& ui, const std::string& name, const Value& doc);
std::string format_version(const Ui& ui, const std::string& version);

}  // namespace devenv

#pragma once
// Showing `devenv env`: the variables in the asked format, GitHub's masks, or where they went.
#include "lifecycle/exports.hpp"
#include "ui/ui.hpp"

namespace devenv {

// `--format github`: an ::add-mask:: line for each secret value, first, so the runner hides them.
// One warning per name two services export with different values (lifecycle/exports.hpp).
std::vector<std::string> export_conflict_warnings(const std::vector<ExportConflict>& conflicts);

void show_export_masks(const Ui& ui, const ExportPlan& plan);
// The variables (a JSON document for json), or the note that they were appended to $GITHUB_ENV.
void show_exports(const Ui& ui, const ExportPlan& plan);
std::string exports_json(const ExportPlan& plan);

}  // namespace devenv

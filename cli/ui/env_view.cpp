#include "ui/env_view.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace devenv {

void show_export_masks(const Ui& ui, const ExportPlan& plan) {
    if (!plan.masks.empty()) ui.out(plan.masks);
}

std::string exports_json(const ExportPlan& plan) {
    nlohmann::ordered_json j;
    j["schema_version"] = 1;
    j["project"] = plan.project;
    j["variables"] = nlohmann::ordered_json::object();
    for (const auto& e : plan.variables) j["variables"][e.name] = e.value;
    return j.dump(2);
}

void show_exports(const Ui& ui, const ExportPlan& plan) {
    if (plan.format == ExportFormat::json) {
        ui.out(exports_json(plan));
        return;
    }
    if (plan.github_env) {
        ui.note(fmt::format("appended {} variables to {}", plan.variables.size(), *plan.github_env));
        return;
    }
    if (!plan.text.empty()) ui.out(plan.text);
}

}  // namespace devenv

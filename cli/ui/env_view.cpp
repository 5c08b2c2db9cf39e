#include "ui/env_view.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace devenv {

std::vector<std::string> export_conflict_warnings(const std::vector<ExportConflict>& conflicts) {
    std::vector<std::string> out;
    for (const auto& c : conflicts) {
        std::string values = c.secret ? std::string()
                                      : fmt::format(" ('{}' and '{}')", c.lost_value, c.used_value);
        out.push_back(fmt::format("{} is exported by both {} and {} with different values{}: {}'s is exported; choose in "
                                  "the profile's `exports:` ({}: \"${{{}.{}}}\")",
                                  c.name, c.lost_service, c.used_service, values, c.used_service, c.name, c.lost_service,
                                  c.name));
    }
    return out;
}

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

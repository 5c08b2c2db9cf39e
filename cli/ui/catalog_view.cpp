#include "ui/catalog_view.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace devenv {

std::string format_profiles(const Ui& ui, const std::vector<ProfileInfo>& list) {
    if (ui.options().json) {
        nlohmann::ordered_json j;
        j["schema_version"] = 1;
        j["profiles"] = nlohmann::ordered_json::array();
        for (const auto& p : list)
            j["profiles"].push_back({{"name", p.name}, {"source", p.source}, {"description", p.description}});
        return j.dump(2);
    }
    std::size_t w1 = 4, w2 = 6;
    for (const auto& p : list) {
        w1 = std::max(w1, p.name.size());
        w2 = std::max(w2, p.source.size());
    }
    std::string out = fmt::format("{:<{}}  {:<{}}  {}\n", "NAME", w1, "SOURCE", w2, "DESCRIPTION");
    for (const auto& p : list) out += fmt::format("{:<{}}  {:<{}}  {}\n", p.name, w1, p.source, w2, p.description);
    return out;
}

std::string format_templates(const Ui& ui, const std::vector<TemplateSummary>& list) {
    if (ui.options().json) {
        nlohmann::ordered_json j = {{"schema_version", 1}, {"templates", nlohmann::ordered_json::array()}};
        for (const auto& t : list) j["templates"].push_back({{"name", t.name}, {"description", t.description}});
        return j.dump(2);
    }
    std::string out;
    for (const auto& t : list) out += fmt::format("{:<18}  {}\n", t.name, t.description);
    return out;
}

std::string format_template(const Ui& ui, const std::string& name, const Value& t) {
    if (ui.options().json) {
        nlohmann::ordered_json j = {{"schema_version", 1}, {"template", t.to_ordered_json()}};
        return j.dump(2);
    }
    std::string out = fmt::format("{}: {}\n\nparameters:\n", name, value_text(t.find("description")));
    if (const Value* params = t.find("params"))
        for (const auto& e : params->entries())
            out += fmt::format("  {:<20} {:<9} default {:<28} {}\n", e.key, value_text(e.value.find("type")),
                               value_text(e.value.find("default")).empty() ? "-" : value_text(e.value.find("default")),
                               value_text(e.value.find("description")));
    if (const Value* ex = t.find("exports")) {
        out += "\nexports:\n";
        for (const auto& e : ex->entries()) out += fmt::format("  {}\n", e.key);
    }
    if (const Value* seeds = t.find("seeds")) {
        out += "\nseed kinds: ";
        for (std::size_t i = 0; i < seeds->items().size(); ++i) out += (i ? ", " : "") + seeds->items()[i].text();
        out += ", exec\n";
    }
    return out;
}

std::string format_version(const Ui& ui, const std::string& version) {
    if (ui.options().json) {
        nlohmann::ordered_json j{{"schema_version", 1}, {"version", version}};
        return j.dump(2);
    }
    return fmt::format("devenv {}", version);
}

}  // namespace devenv

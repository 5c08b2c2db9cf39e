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

std::string format_templates(const Ui& ui, const TemplateCatalog& catalog) {
    if (ui.options().json) {
        nlohmann::ordered_json j = {{"schema_version", 1}, {"templates", nlohmann::ordered_json::array()}};
        for (const auto& t : catalog.templates) j["templates"].push_back({{"name", t.name}, {"description", t.description}});
        j["seed_kinds"] = nlohmann::ordered_json::array();
        for (const auto& k : catalog.seed_kinds)
            j["seed_kinds"].push_back({{"name", k.name}, {"family", k.family}, {"summary", k.summary}});
        return j.dump(2);
    }
    std::string out;
    for (const auto& t : catalog.templates) out += fmt::format("{:<18}  {}\n", t.name, t.description);
    out += "\nseed kinds:\n";
    for (const auto& k : catalog.seed_kinds) out += fmt::format("  {:<16}  {}\n", k.name, k.summary);
    return out;
}

std::string format_template(const Ui& ui, const TemplateDescription& d) {
    const std::string& name = d.name;
    const Value& t = d.doc;
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
    if (!d.seed_kinds.empty()) {
        out += "\nseed kinds:\n";
        for (const auto& k : d.seed_kinds) out += fmt::format("  {:<16}  {}\n", k.name, k.summary);
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

#include "lifecycle/catalog.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "profile/discover.hpp"
#include "seed/kinds.hpp"
#include "util/error.hpp"
#include "util/suggest.hpp"
#include "yaml/yaml.hpp"

namespace devenv {

Value template_document(const std::string& project_dir, const std::string& name) {
    auto src = locate_template(project_dir, name);
    if (!src) {
        Error e(ErrorKind::usage, fmt::format("no template named '{}'", name));
        if (auto near = suggest(name, template_names(project_dir))) e.hint(fmt::format("did you mean '{}'?", *near));
        throw e;
    }
    return parse_yaml(src->text, src->shown_path, src->base_dir);
}

namespace {

SeedKindSummary summary_of(const SeedKind& k) {
    return {std::string(k.name), std::string(k.family), std::string(k.summary)};
}

}  // namespace

TemplateCatalog template_catalog(const std::string& project_dir) {
    TemplateCatalog c;
    for (const auto& n : template_names(project_dir))
        c.templates.push_back({n, value_text(template_document(project_dir, n).find("description"))});
    for (const SeedKind* k : seed_kinds()) c.seed_kinds.push_back(summary_of(*k));
    return c;
}

TemplateDescription describe_template(const std::string& project_dir, const std::string& name) {
    TemplateDescription d{name, template_document(project_dir, name), {}};
    if (const Value* seeds = d.doc.find("seeds")) {
        for (const auto& k : seeds->items())
            if (const SeedKind* kind = find_seed_kind(k.text())) d.seed_kinds.push_back(summary_of(*kind));
        d.seed_kinds.push_back(summary_of(*find_seed_kind("exec")));
    }
    return d;
}

std::string value_text(const Value* v) {
    if (!v || v->is_null()) return "";
    if (v->is_scalar()) return v->text();
    return v->to_json().dump();
}

}  // namespace devenv

#include "lifecycle/catalog.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "profile/discover.hpp"
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

std::vector<TemplateSummary> template_summaries(const std::string& project_dir) {
    std::vector<TemplateSummary> out;
    for (const auto& n : template_names(project_dir))
        out.push_back({n, value_text(template_document(project_dir, n).find("description"))});
    return out;
}

std::string value_text(const Value* v) {
    if (!v || v->is_null()) return "";
    if (v->is_scalar()) return v->text();
    return v->to_json().dump();
}

}  // namespace devenv

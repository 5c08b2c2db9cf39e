#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/context.hpp"
#include "profile/discover.hpp"
#include "seed/kinds.hpp"
#include "util/suggest.hpp"
#include "yaml/yaml.hpp"

namespace devenv {

namespace {

Value template_doc(const std::string& project_dir, const std::string& name) {
    auto src = locate_template(project_dir, name);
    if (!src) {
        Error e(ErrorKind::usage, fmt::format("no template named '{}'", name));
        if (auto near = suggest(name, template_names(project_dir))) e.hint(fmt::format("did you mean '{}'?", *near));
        throw e;
    }
    return parse_yaml(src->text, src->shown_path, src->base_dir);
}

std::string text_of(const Value* v) {
    if (!v || v->is_null()) return "";
    if (v->is_scalar()) return v->text();
    return v->to_json().dump();
}

}  // namespace

void register_templates(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("templates", "List service templates, or show one's parameters");
    auto name = std::make_shared<std::string>();
    cmd->add_option("name", *name, "Template to describe");
    cmd->callback([&ctx, name] {
        std::string dir = ctx.project_dir();
        if (name->empty()) {
            nlohmann::ordered_json j = {{"schema_version", 1}, {"templates", nlohmann::ordered_json::array()}};
            std::string out;
            for (const auto& n : template_names(dir)) {
                Value t = template_doc(dir, n);
                std::string desc = text_of(t.find("description"));
                j["templates"].push_back({{"name", n}, {"description", desc}});
                out += fmt::format("{:<18}  {}\n", n, desc);
            }
            // The seed kinds, from their table.
            j["seed_kinds"] = nlohmann::ordered_json::array();
            out += "\nseed kinds:\n";
            for (const SeedKind* k : seed_kinds()) {
                j["seed_kinds"].push_back({{"name", k->name}, {"family", k->family}, {"summary", k->summary}});
                out += fmt::format("  {:<16}  {}\n", k->name, k->summary);
            }
            ctx.ui->out(ctx.global.json ? j.dump(2) : out);
            return;
        }
        Value t = template_doc(dir, *name);
        if (ctx.global.json) {
            nlohmann::ordered_json j = {{"schema_version", 1}, {"template", t.to_ordered_json()}};
            ctx.ui->out(j.dump(2));
            return;
        }
        std::string out = fmt::format("{}: {}\n\nparameters:\n", *name, text_of(t.find("description")));
        if (const Value* params = t.find("params"))
            for (const auto& e : params->entries())
                out += fmt::format("  {:<20} {:<9} default {:<28} {}\n", e.key, text_of(e.value.find("type")),
                                   text_of(e.value.find("default")).empty() ? "-" : text_of(e.value.find("default")),
                                   text_of(e.value.find("description")));
        if (const Value* ex = t.find("exports")) {
            out += "\nexports:\n";
            for (const auto& e : ex->entries()) out += fmt::format("  {}\n", e.key);
        }
        if (const Value* seeds = t.find("seeds")) {
            out += "\nseed kinds:\n";
            for (const auto& k : seeds->items())
                if (const SeedKind* kind = find_seed_kind(k.text()))
                    out += fmt::format("  {:<16}  {}\n", kind->name, kind->summary);
            out += fmt::format("  {:<16}  {}\n", "exec", find_seed_kind("exec")->summary);
        }
        ctx.ui->out(out);
    });
}

}  // namespace devenv

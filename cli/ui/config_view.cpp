#include "ui/config_view.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ui/mask.hpp"
#include "yaml/yaml.hpp"

namespace devenv {

namespace {

Value probe_value(const ProbeSpec& p) {
    Value v = Value::mapping();
    v.set("kind", Value::string(p.kind));
    if (p.port) {
        v.set("host", Value::string(p.host));
        v.set("port", Value::integer(p.port));
    }
    if (p.kind == "http") {
        v.set("path", Value::string(p.path));
        Value st = Value::sequence();
        for (int s : p.status) st.push_back(Value::integer(s));
        v.set("status", st);
    }
    if (p.kind == "aws") {
        Value s = Value::sequence();
        for (const auto& a : p.aws_services) s.push_back(Value::string(a));
        v.set("services", s);
    }
    if (!p.pattern.empty()) v.set("pattern", Value::string(p.pattern));
    v.set("timeout", Value::string(fmt::format("{}s", p.timeout.count() / 1000)));
    return v;
}

}  // namespace

// The resolved profile: what devenv will run, after extends, overlays, --set, interpolation
// and templates.
Value resolved_profile(const Profile& p) {
    Value v = Value::mapping();
    v.set("name", Value::string(p.name));
    v.set("description", Value::string(p.description));
    v.set("source", Value::string(p.source));
    v.set("project", Value::string(p.project));
    Value ov = Value::sequence();
    for (const auto& o : p.overlays) ov.push_back(Value::string(o));
    v.set("overlays", ov);
    Value services = Value::mapping();
    for (const auto& s : p.services) {
        Value sv = Value::mapping();
        if (!s.template_name.empty()) {
            sv.set("template", Value::string(s.template_name));
            sv.set("params", s.params);
        }
        sv.set("compose", s.compose);
        sv.set("probe", probe_value(s.probe));
        Value ex = Value::mapping();
        for (const auto& e : s.exports) ex.set(e.name, Value::string(e.value));
        sv.set("exports", ex);
        Value kinds = Value::sequence();
        for (const auto& k : s.seed_kinds) kinds.push_back(Value::string(k));
        sv.set("seed_kinds", kinds);
        services.set(s.name, sv);
    }
    v.set("services", services);
    if (const Value* seed = p.tree.find("seed")) v.set("seed", *seed);
    if (!p.exports.empty()) {
        Value ex = Value::mapping();
        for (const auto& e : p.exports) ex.set(e.name, Value::string(e.value));
        v.set("exports", ex);
    }
    return v;
}


std::string format_config(const Ui& ui, const Profile& p) {
    Value v = resolved_profile(p);
    if (ui.options().json) {
        nlohmann::ordered_json j;
        j["schema_version"] = 1;
        j["profile"] = v.to_ordered_json();
        return masked(ui, j.dump(2), p);
    }
    return masked(ui, emit_yaml(v), p);
}

}  // namespace devenv

#include "ui/config_view.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "probe/kinds.hpp"
#include "ui/mask.hpp"
#include "yaml/yaml.hpp"

namespace devenv {

namespace {

// The probe as devenv runs it: its kind, where it connects, the kind's own fields, its deadline.
Value probe_value(const Endpoint& e, const ProbeSpec& p) {
    Value v = Value::mapping();
    v.set("kind", Value::string(p.kind));
    if (e.port) {
        v.set("host", Value::string(e.host));
        v.set("port", Value::integer(e.port));
    }
    if (const ProbeKind* kind = find_probe_kind(p.kind); kind && kind->describe) kind->describe(p, v);
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
        if (s.job) sv.set("job", Value::boolean(true));  // a one-shot service: not probed
        sv.set("probe", probe_value(s.endpoint, s.probe));
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

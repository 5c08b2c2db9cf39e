#include "profile/instantiate.hpp"

#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "profile/schemas.hpp"
#include "profile/limits.hpp"
#include "util/interpolate.hpp"
#include "util/strings.hpp"
#include "util/suggest.hpp"
#include "yaml/merge.hpp"

namespace devenv {
namespace {

std::string scalar_text(const Value& v) {
    if (v.is_sequence()) {
        std::string out;
        for (const auto& i : v.items()) out += (out.empty() ? "" : ",") + i.text();
        return out;
    }
    if (v.is_mapping()) {
        std::string out;
        for (const auto& e : v.entries()) out += (out.empty() ? "" : ",") + e.key + "=" + e.value.text();
        return out;
    }
    return v.text();
}

// Checks and converts a given or default value to the parameter's type.
Value typed_param(const std::string& type, const Value& spec, const Value& v, const std::string& path) {
    auto bad = [&](const std::string& want) {
        std::string got = v.type_name();
        if (v.is_scalar() && !v.is_null()) got += fmt::format(" ('{}')", v.text());
        return error_at(v.mark(), path, fmt::format("expected {}, got {}", want, got));
    };
    if (type == "string" || type == "duration") {
        if (!v.is_scalar() || v.is_null()) throw bad("a string");
        if (type == "duration") validate(v, *schema::duration(), path);
        return Value::string(v.text(), v.mark());
    }
    if (type == "int" || type == "port") {
        validate(v, type == "port" ? *schema::port() : *schema::integer(), path);
        return Value::integer(integer_value(v, path), v.mark());
    }
    if (type == "bool") {
        validate(v, *schema::boolean(), path);
        return Value::boolean(v.text() == "true", v.mark());
    }
    if (type == "enum") {
        std::vector<std::string> values;
        if (const Value* vs = spec.find("values"))
            for (const auto& i : vs->items()) values.push_back(i.text());
        validate(v, *schema::choice(values), path);
        return Value::string(v.text(), v.mark());
    }
    if (type == "list") {
        if (v.is_scalar() && !v.is_null()) {
            // "a,b,c" is accepted for lists so --set and env variables can set them.
            Value out = Value::sequence(v.mark());
            std::string t = v.text();
            std::size_t start = 0;
            while (start <= t.size() && !t.empty()) {
                std::size_t comma = t.find(',', start);
                std::string item = t.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                if (!item.empty()) out.push_back(Value::string(item, v.mark()));
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
            return out;
        }
        if (!v.is_sequence()) throw bad("a list");
        for (std::size_t i = 0; i < v.items().size(); ++i)
            if (!v.items()[i].is_scalar() || v.items()[i].is_null()) throw bad("a list of strings");
        return v;
    }
    if (type == "map") {
        if (!v.is_mapping()) throw bad("a mapping");
        return v;
    }
    throw error_at(v.mark(), path, fmt::format("unknown parameter type '{}'", type));
}

class ParamResolver {
public:
    ParamResolver(const Value& specs, const InstantiateArgs& args) : specs_(specs), args_(args) {}

    void give(const std::string& name, Value v) { given_[name] = std::move(v); }

    const Value& get(const std::string& name) {
        if (auto it = done_.find(name); it != done_.end()) return it->second;
        const Value* spec = specs_.find(name);
        std::string type = spec->find("type")->text();
        std::string path = join_path(args_.with_path, name);
        if (in_progress_.size() >= kMaxParamDepth)
            throw error_at(spec->mark(), join_path("params", name),
                           fmt::format("more than {} parameters whose defaults refer to one another in a chain",
                                       kMaxParamDepth));
        if (!in_progress_.insert(name).second)
            throw error_at(spec->mark(), join_path("params", name),
                           fmt::format("parameter '{}' refers to itself through its default", name));
        Value v;
        if (auto it = given_.find(name); it != given_.end()) {
            v = typed_param(type, *spec, it->second, path);
        } else if (const Value* d = spec->find("default"); d && !d->is_null()) {
            Value resolved = *d;
            std::string dpath = join_path(join_path("params", name), "default");
            if (resolved.is_string() && has_interpolation(resolved.text())) {
                auto r = try_interpolate(resolved.text(), lookup());
                if (!r.ok) throw error_at(resolved.mark(), dpath, r.message);
                resolved = Value::string(r.value, resolved.mark());
            }
            v = typed_param(type, *spec, resolved, dpath);
        } else {
            v = type == "list" ? Value::sequence() : type == "map" ? Value::mapping() : Value::string("");
        }
        if (type == "port" && args_.port_offset != 0) {
            std::int64_t p = v.as_int() + args_.port_offset;
            if (p < 1 || p > 65535)
                throw Error(ErrorKind::usage, fmt::format("--port-offset {} moves {} of service '{}' to {}, out of range",
                                                          args_.port_offset, name, args_.service_name, p));
            v = Value::integer(p, v.mark());
        }
        in_progress_.erase(name);
        return done_[name] = std::move(v);
    }

    EnvLookup lookup() {
        return [this](std::string_view n) -> std::optional<std::string> {
            std::string name(n);
            if (specs_.find(name)) return scalar_text(get(name));
            if (name == "service") return args_.service_name;
            if (name == "project") return args_.project;
            if (name == "host") return args_.host;
            return args_.env ? args_.env(n) : std::nullopt;
        };
    }

    Value all() {
        Value out = Value::mapping();
        for (const auto& e : specs_.entries()) out.set(e.key, get(e.key));
        return out;
    }

private:
    const Value& specs_;
    const InstantiateArgs& args_;
    std::map<std::string, Value> given_;
    std::map<std::string, Value> done_;
    std::set<std::string> in_progress_;
};

// What a substituted parameter costs in memory: its text and its nodes.
std::size_t expanded_size(const Value& v) {
    std::size_t n = sizeof(Value) + v.text().size();
    for (const auto& i : v.items()) n += expanded_size(i);
    for (const auto& e : v.entries()) n += e.key.size() + expanded_size(e.value);
    return n;
}

// Interpolates a template subtree. A string that is exactly one ${param} takes the
// parameter's typed value (a list stays a list, a port stays a number).
void fill(Value& node, const std::string& path, ParamResolver& params, const Value& specs) {
    if (node.is_string()) {
        if (!has_interpolation(node.text())) return;
        if (auto whole = whole_reference(node.text()); whole && specs.find(*whole)) {
            Value typed = params.get(*whole);
            // A list or map parameter copied into many places is an alias bomb of its own.
            if (!InterpolationBudget::charge(expanded_size(typed)))
                throw error_at(node.mark(), path,
                               fmt::format("parameters substituted into the template expand past {} MiB",
                                           kMaxInterpolatedBytes >> 20));
            typed.set_mark(node.mark());
            node = typed;
            return;
        }
        auto r = try_interpolate(node.text(), params.lookup());
        if (!r.ok) throw error_at(node.mark(), path, r.message);
        node = Value::string(r.value, node.mark(), node.quoted());
    } else if (node.is_sequence()) {
        for (std::size_t i = 0; i < node.items().size(); ++i) fill(node.items()[i], index_path(path, i), params, specs);
    } else if (node.is_mapping()) {
        // Keys may be interpolated too (volume names carry ${service}).
        Value out = Value::mapping(node.mark());
        for (auto& e : node.entries()) {
            std::string key = e.key;
            if (has_interpolation(key)) {
                auto r = try_interpolate(key, params.lookup());
                if (!r.ok) throw error_at(e.key_mark, join_path(path, key), r.message);
                key = r.value;
            }
            fill(e.value, join_path(path, key), params, specs);
            out.set(key, std::move(e.value), e.key_mark);
        }
        node = std::move(out);
    }
}

}  // namespace

Instance instantiate_template(const Value& tmpl_in, const InstantiateArgs& args) {
    validate(tmpl_in, *template_schema(), {});
    Value tmpl = tmpl_in;
    Value specs = tmpl.find("params") ? *tmpl.find("params") : Value::mapping();

    // `with:` names must be parameters.
    std::vector<std::string> names;
    for (const auto& e : specs.entries()) names.push_back(e.key);
    if (args.with && args.with->is_mapping()) {
        for (const auto& e : args.with->entries()) {
            if (!specs.find(e.key)) {
                Error err = error_at(e.key_mark, join_path(args.with_path, e.key),
                                     fmt::format("unknown parameter '{}' for template '{}'", e.key,
                                                 tmpl.find("template")->text()));
                if (auto near = suggest(e.key, names)) err.hint(fmt::format("did you mean '{}'?", *near));
                else if (!names.empty()) err.hint(fmt::format("parameters: {}", fmt::join(names, ", ")));
                throw err;
            }
        }
    }

    // The variant is chosen first: it may change other parameters' defaults.
    if (const Value* variants = tmpl.find("variants"); variants && specs.find("variant")) {
        ParamResolver pre(specs, args);
        if (args.with && args.with->find("variant")) pre.give("variant", *args.with->find("variant"));
        std::string chosen = pre.get("variant").text();
        if (const Value* v = variants->find(chosen)) {
            if (const Value* p = v->find("params")) specs = deep_merge(specs, *p);
            for (const char* key : {"service", "volumes", "configs", "probe", "exports"}) {
                if (const Value* part = v->find(key)) {
                    Value base = tmpl.find(key) ? *tmpl.find(key) : Value::mapping();
                    tmpl.set(key, deep_merge(base, *part));
                }
            }
        }
    }

    ParamResolver params(specs, args);
    if (args.with && args.with->is_mapping())
        for (const auto& e : args.with->entries()) params.give(e.key, e.value);

    Instance out;
    out.params = params.all();
    for (const auto& e : specs.entries()) {
        const Value* secret = e.value.find("secret");
        if (secret && secret->text() == "true") {
            std::string v = scalar_text(out.params.find(e.key) ? *out.params.find(e.key) : Value());
            if (!v.empty()) out.secrets.push_back(v);
        }
    }
    auto part = [&](const char* key, Value fallback) {
        Value v = tmpl.find(key) ? *tmpl.find(key) : std::move(fallback);
        fill(v, key, params, specs);
        return v;
    };
    out.service = part("service", Value::mapping());
    out.volumes = part("volumes", Value::mapping());
    out.configs = part("configs", Value::mapping());
    out.probe = part("probe", Value());
    out.exports = part("exports", Value::mapping());
    if (const Value* seeds = tmpl.find("seeds"))
        for (const auto& s : seeds->items()) out.seeds.push_back(s.text());
    if (const Value* yields = tmpl.find("yield_exports"))
        for (const auto& y : yields->items()) {
            if (!out.exports.find(y.text()))
                throw error_at(y.mark(), "yield_exports", fmt::format("'{}' is not one of the template's exports", y.text()));
            out.yield_exports.push_back(y.text());
        }
    if (tmpl.find("serves")) {
        Value serves = part("serves", Value());
        if (serves.is_sequence())
            for (const auto& s : serves.items()) out.serves.push_back(s.text());
        else if (!serves.is_null() && !serves.text().empty())
            out.serves = split(serves.text(), ',');
    }
    return out;
}

}  // namespace devenv

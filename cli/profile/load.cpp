#include "profile/load.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "profile/compose_rules.hpp"
#include "profile/discover.hpp"
#include "profile/instantiate.hpp"
#include "profile/jobs.hpp"
#include "profile/limits.hpp"
#include "profile/probe_decl.hpp"
#include "profile/schemas.hpp"
#include "profile/seed_decls.hpp"
#include "profile/tree_interpolate.hpp"
#include "profile/variables.hpp"
#include "util/interpolate.hpp"
#include "util/strings.hpp"
#include "util/suggest.hpp"
#include "yaml/merge.hpp"
#include "yaml/yaml.hpp"

namespace fs = std::filesystem;

namespace devenv {

std::string sanitize_project_name(std::string_view raw) {
    std::string out;
    for (char c : raw) {
        if (is_alnum(c)) out += to_lower(c);
        else if (c == '-' || c == '_') out += c;
        else if (!out.empty() && out.back() != '-') out += '-';
    }
    while (!out.empty() && (out.front() == '-' || out.front() == '_')) out.erase(out.begin());
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out.empty() ? std::string("devenv") : out;
}

Value& top_level_entry(Value& top, const std::string& key);

namespace {

Value parse_source(const ProfileSource& src) {
    Value v = parse_yaml(src.text, src.shown_path, src.base_dir);
    if (v.is_null()) v = Value::mapping(v.mark());
    if (!v.is_mapping())
        throw error_at(v.mark(), {}, fmt::format("a profile must be a mapping, got {}", v.type_name()));
    return v;
}

// Follows `extends:` (depth first) and merges child over parent.
struct ChainLink {
    std::string identity;
    std::string shown;
};

Value resolve_extends(const std::string& project_dir, const ProfileSource& src, std::vector<ChainLink>& chain) {
    chain.push_back({src.identity, src.shown_path});
    Value doc = parse_source(src);
    const Value* ext = doc.find("extends");
    if (!ext) {
        chain.pop_back();
        return doc;
    }
    if (!ext->is_string())
        throw error_at(ext->mark(), "extends",
                       fmt::format("expected a profile name or a file path, got {}", ext->type_name()));
    if (chain.size() >= kMaxExtendsDepth)
        throw error_at(ext->mark(), "extends",
                       fmt::format("more than {} profiles in one extends chain", kMaxExtendsDepth));
    ProfileSource parent_src = locate_extends(project_dir, ext->text(), src.base_dir, ext->mark());
    for (const auto& link : chain) {
        if (link.identity == parent_src.identity) {
            std::string cycle;
            for (const auto& l : chain) cycle += l.shown + " -> ";
            throw error_at(ext->mark(), "extends", fmt::format("cycle: {}{}", cycle, parent_src.shown_path));
        }
    }
    Value parent = resolve_extends(project_dir, parent_src, chain);
    chain.pop_back();
    Value child = doc;
    child.erase("extends");
    parent.erase("name");
    Value merged = deep_merge(parent, child);
    return merged;
}

// A service set to null (`loki: ~` in a child profile or an overlay, `--set services.loki=null`)
// drops the service a parent declared, with its seed block and the `depends_on` entries of the
// profile's other services that name it.
void drop_null_services(Value& doc) {
    Value* services = doc.find("services");
    if (!services || !services->is_mapping()) return;
    std::vector<std::string> dropped;
    for (const auto& e : services->entries())
        if (e.value.is_null()) dropped.push_back(e.key);
    if (dropped.empty()) return;
    Value* seed = doc.find("seed");
    for (const auto& name : dropped) {
        services->erase(name);
        if (seed && seed->is_mapping()) seed->erase(name);
    }
    for (auto& e : services->entries()) {
        Value* deps = e.value.is_mapping() ? e.value.find("depends_on") : nullptr;
        if (!deps) continue;
        for (const auto& name : dropped) {
            if (deps->is_mapping()) deps->erase(name);
            if (deps->is_sequence()) {
                auto& items = deps->items();
                items.erase(std::remove_if(items.begin(), items.end(), [&](const Value& v) { return v.is_scalar() && v.text() == name; }),
                            items.end());
            }
        }
        if ((deps->is_mapping() && deps->entries().empty()) || (deps->is_sequence() && deps->items().empty()))
            e.value.erase("depends_on");
    }
}

// `doc` less its null services (drops, see above), in the profile and in each overlay: what
// the schema checks, since a null is not a service declaration.
Value without_null_services(const Value& doc) {
    Value out = doc;
    auto strip = [](Value& d) {
        Value* s = d.is_mapping() ? d.find("services") : nullptr;
        if (!s || !s->is_mapping()) return;
        std::vector<std::string> dropped;
        for (const auto& e : s->entries())
            if (e.value.is_null()) dropped.push_back(e.key);
        for (const auto& name : dropped) s->erase(name);
    };
    strip(out);
    if (Value* ov = out.find("overlays"); ov && ov->is_mapping())
        for (auto& e : ov->entries()) strip(e.value);
    return out;
}

void apply_overlays(Value& doc, const std::vector<std::string>& overlays, const Schema& overlay_schema) {
    const Value* defined = doc.find("overlays");
    Value available = defined ? *defined : Value::mapping();
    doc.erase("overlays");
    for (const auto& name : overlays) {
        const Value* ov = available.is_mapping() ? available.find(name) : nullptr;
        if (!ov) {
            std::vector<std::string> names;
            if (available.is_mapping())
                for (const auto& e : available.entries()) names.push_back(e.key);
            Error e(ErrorKind::usage, fmt::format("no overlay named '{}' in this profile", name));
            if (auto near = suggest(name, names)) e.hint(fmt::format("did you mean '{}'?", *near));
            else if (!names.empty()) e.hint(fmt::format("overlays: {}", fmt::join(names, ", ")));
            else e.hint("this profile defines no overlays");
            throw e;
        }
        if (!ov->is_null()) {
            validate(without_null_services(*ov), overlay_schema, join_path("overlays", name));
            doc = deep_merge(doc, *ov);
            drop_null_services(doc);
        }
    }
}

// A --set into a service names a service the profile has, unless it gives a whole one
// (`--set services.api={image: x}`): a misspelt name must not quietly add a service.
void check_set_target(const Value& doc, const std::string& path, const std::string& arg) {
    std::vector<std::string> parts = split(path, '.');
    for (std::string_view top : {"services", "seed"}) {
        if (parts.size() < 3 || parts[0] != top) continue;
        const Value* have = doc.find(top);
        std::vector<std::string> names;
        if (have && have->is_mapping())
            for (const auto& e : have->entries()) names.push_back(e.key);
        if (std::find(names.begin(), names.end(), parts[1]) != names.end()) continue;
        Error e(ErrorKind::usage, fmt::format("--set {}: the profile has no service '{}'", arg, parts[1]));
        if (auto near = suggest(parts[1], names)) e.hint(fmt::format("did you mean '{}'?", *near));
        else if (!names.empty()) e.hint(fmt::format("services: {}", fmt::join(names, ", ")));
        e.hint(fmt::format("to add a service, give it whole: --set {}.{}='{{image: ...}}'", top, parts[1]));
        throw e;
    }
}

void apply_sets(Value& doc, const std::vector<std::string>& sets) {
    for (const auto& s : sets) {
        auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error(ErrorKind::usage, fmt::format("--set takes PATH=VALUE, got '{}'", s))
                .hint("for example --set services.postgres.image=postgres:16");
        std::string path = s.substr(0, eq);
        std::string raw = s.substr(eq + 1);
        Mark m;
        m.origin = "--set";
        Value v;
        try {
            // Values are read as YAML so lists ([a, b]) and typed scalars work.
            v = parse_yaml(raw, m.origin);
        } catch (const Error&) {
            v = Value::string(raw);
        }
        std::function<void(Value&)> remark = [&](Value& n) {
            n.set_mark(m);
            for (auto& i : n.items()) remark(i);
            for (auto& e : n.entries()) {
                e.key_mark = m;
                remark(e.value);
            }
        };
        remark(v);
        check_set_target(doc, path, s);
        set_path(doc, path, std::move(v));
    }
}

std::vector<int> published_ports(const Value& ports) {
    std::vector<int> out;
    if (!ports.is_sequence()) return out;
    for (const auto& p : ports.items()) {
        if (p.is_mapping()) {
            if (const Value* pub = p.find("published"); pub && is_integer_like(*pub))
                out.push_back(static_cast<int>(integer_value(*pub, {})));
            continue;
        }
        // [IP:]HOST:CONTAINER[/proto]; a bare CONTAINER publishes nothing fixed.
        std::string t = p.text();
        if (auto slash = t.find('/'); slash != std::string::npos) t = t.substr(0, slash);
        auto last = t.rfind(':');
        if (last == std::string::npos) continue;
        std::string host = t.substr(0, last);
        if (auto c = host.rfind(':'); c != std::string::npos) host = host.substr(c + 1);
        try {
            if (!host.empty() && host.find('-') == std::string::npos) out.push_back(std::stoi(host));
        } catch (...) {
        }
    }
    return out;
}

// Shifts the host side of each published port by `offset` (--port-offset).
Value shift_ports(const Value& ports, int offset, const std::string& path) {
    if (offset == 0 || !ports.is_sequence()) return ports;
    Value out = Value::sequence(ports.mark());
    for (std::size_t i = 0; i < ports.items().size(); ++i) {
        Value p = ports.items()[i];
        if (p.is_mapping()) {
            if (Value* pub = p.find("published"); pub && is_integer_like(*pub))
                *pub = Value::integer(integer_value(*pub, path) + offset, pub->mark());
            out.push_back(p);
            continue;
        }
        std::string t = p.text();
        std::string proto;
        if (auto slash = t.find('/'); slash != std::string::npos) {
            proto = t.substr(slash);
            t = t.substr(0, slash);
        }
        auto last = t.rfind(':');
        if (last == std::string::npos) {
            out.push_back(p);
            continue;
        }
        std::string head = t.substr(0, last);
        std::string ip;
        if (auto c = head.rfind(':'); c != std::string::npos) {
            ip = head.substr(0, c + 1);
            head = head.substr(c + 1);
        }
        int host = 0;
        try {
            host = std::stoi(head);
        } catch (...) {
            throw error_at(p.mark(), index_path(path, i), fmt::format("cannot read host port in '{}'", p.text()));
        }
        out.push_back(Value::string(fmt::format("{}{}:{}{}", ip, host + offset, t.substr(last + 1), proto), p.mark()));
    }
    return out;
}

// ":8080" -> ":8100" for each published port (given shifted) when not followed by a digit.
std::string shift_port_mentions(const std::string& text, const std::vector<int>& shifted, int offset) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        bool replaced = false;
        if (text[i] == ':') {
            std::size_t j = i + 1;
            while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
            if (j > i + 1 && j - i - 1 <= 5) {
                int port = std::stoi(text.substr(i + 1, j - i - 1));
                if (std::find(shifted.begin(), shifted.end(), port + offset) != shifted.end()) {
                    out += ":" + std::to_string(port + offset);
                    i = j;
                    replaced = true;
                }
            }
        }
        if (!replaced) out += text[i++];
    }
    return out;
}

std::vector<std::string> dependencies(const Value& compose) {
    std::vector<std::string> out;
    const Value* d = compose.find("depends_on");
    if (!d) return out;
    if (d->is_sequence())
        for (const auto& i : d->items()) out.push_back(i.text());
    else if (d->is_mapping())
        for (const auto& e : d->entries()) out.push_back(e.key);
    return out;
}

// Relative host paths in Compose keys are relative to the file that declared them; the
// rendered file lives in .devenv/, and Compose runs with --project-directory = the project
// folder, so paths are rewritten relative to the project folder.
std::string rebase(const std::string& p, const Mark& m, const std::string& project_dir) {
    if (p.empty() || p[0] == '/' || p[0] == '~' || p.find("://") != std::string::npos) return p;
    if (!m.file || m.file->base_dir.empty() || m.file->base_dir == project_dir) return p;
    fs::path abs = (fs::path(m.file->base_dir) / p).lexically_normal();
    fs::path rel = abs.lexically_relative(project_dir);
    std::string r = rel.empty() ? abs.string() : rel.string();
    if (!r.starts_with("../") && !r.starts_with("./") && r != "." && r != "..") r = "./" + r;
    return r;
}

void rebase_service_paths(Value& svc, const std::string& project_dir) {
    if (Value* b = svc.find("build")) {
        if (b->is_string()) *b = Value::string(rebase(b->text(), b->mark(), project_dir), b->mark());
        else if (Value* ctx = b->find("context"))
            *ctx = Value::string(rebase(ctx->text(), ctx->mark(), project_dir), ctx->mark());
    }
    if (Value* ef = svc.find("env_file")) {
        if (ef->is_string()) *ef = Value::string(rebase(ef->text(), ef->mark(), project_dir), ef->mark());
        else
            for (auto& i : ef->items())
                if (i.is_string()) i = Value::string(rebase(i.text(), i.mark(), project_dir), i.mark());
    }
    if (Value* vols = svc.find("volumes"); vols && vols->is_sequence()) {
        for (auto& v : vols->items()) {
            if (!v.is_string()) continue;
            const std::string& t = v.text();
            if (!(t.starts_with("./") || t.starts_with("../") || t.starts_with("."))) continue;
            auto colon = t.find(':');
            std::string src = t.substr(0, colon);
            std::string rest = colon == std::string::npos ? "" : t.substr(colon);
            v = Value::string(rebase(src, v.mark(), project_dir) + rest, v.mark());
        }
    }
}

void rebase_file_entries(Value& section, const std::string& project_dir) {
    if (!section.is_mapping()) return;
    for (auto& e : section.entries())
        if (Value* f = e.value.is_mapping() ? e.value.find("file") : nullptr; f && f->is_string())
            *f = Value::string(rebase(f->text(), f->mark(), project_dir), f->mark());
}

Service build_service(const std::string& name, const Mark& key_mark, const Value& decl, const LoadOptions& opts,
                      const Profile& profile, const EnvLookup& lookup, Value& top_level) {
    Service svc;
    svc.name = name;
    std::string path = join_path("services", name);
    Value overrides = decl;
    for (const auto& k : devenv_service_keys()) overrides.erase(k);
    if (const Value* ports = overrides.find("ports"))
        overrides.set("ports", shift_ports(*ports, opts.port_offset, join_path(path, "ports")));

    Value probe_decl;
    Value exports = Value::mapping();
    std::vector<std::string> yielding;
    if (const Value* t = decl.find("template")) {
        svc.template_name = t->text();
        auto src = locate_template(profile.project_dir, svc.template_name);
        if (!src) {
            Error e = error_at(t->mark(), join_path(path, "template"),
                               fmt::format("unknown template '{}'", svc.template_name));
            auto names = template_names(profile.project_dir);
            if (auto near = suggest(svc.template_name, names)) e.hint(fmt::format("did you mean '{}'?", *near));
            else e.hint(fmt::format("templates: {}", fmt::join(names, ", ")));
            throw e;
        }
        Value tmpl = parse_yaml(src->text, src->shown_path, src->base_dir);
        InstantiateArgs args;
        args.service_name = name;
        args.project = profile.project;
        args.with = decl.find("with");
        args.with_path = join_path(path, "with");
        args.port_offset = opts.port_offset;
        args.host = host_for_apps(profile.host);
        args.env = lookup;
        Instance inst = instantiate_template(tmpl, args);
        svc.params = inst.params;
        svc.compose = deep_merge(inst.service, overrides);
        for (const auto& e : inst.volumes.entries()) top_level_entry(top_level, "volumes").set(e.key, e.value, e.key_mark);
        for (const auto& e : inst.configs.entries()) top_level_entry(top_level, "configs").set(e.key, e.value, e.key_mark);
        probe_decl = inst.probe;
        exports = inst.exports;
        yielding = inst.yield_exports;
        svc.seed_kinds = inst.seeds;
        svc.serves = inst.serves;
        svc.secrets = inst.secrets;
    } else {
        if (decl.find("with"))
            throw error_at(decl.find_entry("with")->key_mark, join_path(path, "with"),
                           "'with' sets template parameters, but this service has no template");
        if (!overrides.find("image") && !overrides.find("build"))
            throw error_at(key_mark.known() ? key_mark : decl.mark(), path,
                           fmt::format("service '{}' needs a template, an image or a build", name))
                .hint("add `template: NAME` (`devenv templates` lists them) or `image:` / `build:`");
        svc.compose = overrides;
        if (const Value* ports = svc.compose.find("ports")) (void)ports;
    }
    if (const Value* p = decl.find("probe")) {
        Value user = *p;
        if (Value* port = user.find("port"); port && opts.port_offset != 0 && svc.template_name.empty())
            *port = Value::integer(integer_value(*port, join_path(path, "probe.port")) + opts.port_offset, port->mark());
        probe_decl = probe_decl.is_mapping() ? deep_merge(probe_decl, user) : user;
    }
    if (const Value* e = decl.find("exports")) {
        exports = deep_merge(exports, *e);
        // What the profile sets on the service itself is meant: it no longer gives way.
        std::erase_if(yielding, [&](const std::string& n) { return e->find(n) != nullptr; });
    }
    svc.seed_kinds.push_back("exec");
    rebase_service_paths(svc.compose, profile.project_dir);
    svc.host_ports = published_ports(svc.compose.find("ports") ? *svc.compose.find("ports") : Value());
    auto resolved = probe_from_decl(probe_decl, svc.compose, svc.host_ports, profile.host, *opts.language,
                                    join_path(path, "probe"));
    svc.endpoint = std::move(resolved.endpoint);
    svc.probe = std::move(resolved.probe);
    svc.depends_on = dependencies(svc.compose);
    for (const auto& e : exports.entries()) {
        Export x{e.key, e.value.text(), false};
        x.yields = std::find(yielding.begin(), yielding.end(), e.key) != yielding.end();
        // A raw service's exports are written by hand with its unshifted ports
        // (`http://localhost:8080`): move each `:PORT` it publishes along with --port-offset.
        if (svc.template_name.empty() && opts.port_offset != 0)
            x.value = shift_port_mentions(x.value, svc.host_ports, opts.port_offset);
        for (const auto& s : svc.secrets)
            if (!s.empty() && x.value.find(s) != std::string::npos) x.secret = true;
        svc.exports.push_back(std::move(x));
    }
    return svc;
}

void check_dependencies(const Profile& profile, const Value& doc) {
    const Value* services = doc.find("services");
    for (const auto& svc : profile.services) {
        const Value* decl = services ? services->find(svc.name) : nullptr;
        const Value* dep_node = decl ? decl->find("depends_on") : nullptr;
        for (const auto& dep : svc.depends_on) {
            if (profile.find_service(dep)) continue;
            Mark at = dep_node ? dep_node->mark() : Mark{};
            std::string path = join_path(join_path("services", svc.name), "depends_on");
            if (dep_node && dep_node->is_mapping())
                if (const auto* entry = dep_node->find_entry(dep)) at = entry->key_mark;
            if (dep_node && dep_node->is_sequence())
                for (const auto& i : dep_node->items())
                    if (i.text() == dep) at = i.mark();
            Error e = error_at(at, path, fmt::format("'{}' depends on unknown service '{}'", svc.name, dep));
            if (auto near = suggest(dep, profile.service_names())) e.hint(fmt::format("did you mean '{}'?", *near));
            throw e;
        }
    }
}

}  // namespace

Value& top_level_entry(Value& top, const std::string& key) {
    if (Value* v = top.find(key); v && v->is_mapping()) return *v;
    return top.set(key, Value::mapping());
}

Profile load_profile(const LoadOptions& opts) {
    InterpolationBudget budget;  // every value interpolated in this load, .env files included
    Profile profile;
    if (!opts.language) throw Error(ErrorKind::internal, "load_profile needs LoadOptions::language (the probe kinds)");
    const Schema& schema = *opts.language->profile;
    profile.project_dir = opts.project_dir;
    profile.host = opts.host;
    ProfileSource src = locate_profile(opts.project_dir, opts.profile, opts.file);
    profile.source = src.builtin ? "built-in" : src.shown_path;

    std::vector<ChainLink> chain;
    Value doc = resolve_extends(opts.project_dir, src, chain);
    drop_null_services(doc);
    if (const Value* ov = doc.find("overlays"); ov && ov->is_mapping())
        for (const auto& e : ov->entries()) profile.available_overlays.push_back(e.key);
    // Shapes are checked before overlays and --set so errors point at what the user wrote.
    validate(without_null_services(doc), schema, {});
    apply_overlays(doc, opts.overlays, *schema.fields.back().schema->item);
    profile.overlays = opts.overlays;
    apply_sets(doc, opts.sets);
    drop_null_services(doc);

    std::string project_raw = opts.project_name;
    if (project_raw.empty()) {
        if (auto p = opts.getenv ? opts.getenv("DEVENV_PROJECT") : env_value("DEVENV_PROJECT")) project_raw = *p;
    }
    if (project_raw.empty()) project_raw = fs::path(opts.project_dir).filename().string();
    profile.project = sanitize_project_name(project_raw);

    VariableScope scope(opts.getenv, opts.project_dir);
    if (const Value* vars = doc.find("variables")) {
        Value v = *vars;
        scope.set_defaults(v);
    }
    EnvLookup lookup = scope.as_lookup();
    interpolate_tree(doc, {}, lookup, {"exports", "variables", "name", "description"});
    validate(doc, schema, {});

    profile.name = src.name.empty() ? fs::path(opts.project_dir).filename().string() : src.name;
    if (const Value* d = doc.find("description")) profile.description = d->text();
    profile.tree = doc;

    Value top = Value::mapping();
    for (const char* key : {"volumes", "secrets", "configs", "networks"}) {
        if (const Value* v = doc.find(key)) {
            Value copy = *v;
            if (std::string(key) == "secrets" || std::string(key) == "configs") rebase_file_entries(copy, opts.project_dir);
            top.set(key, copy);
        }
    }
    if (const Value* services = doc.find("services")) {
        for (const auto& e : services->entries()) {
            Value decl = e.value.is_null() ? Value::mapping(e.value.mark()) : e.value;
            profile.services.push_back(build_service(e.key, e.key_mark, decl, opts, profile, lookup, top));
        }
    }
    if (profile.services.empty()) {
        const Value::Entry* e = doc.find_entry("services");
        throw error_at(e ? e->key_mark : doc.mark(), "services", "the profile declares no services");
    }
    check_dependencies(profile, doc);
    resolve_jobs(profile, doc);
    profile.top_level = top;
    check_compose_rules(profile, opts.port_offset);

    if (const Value* seed = doc.find("seed")) profile.seeds = collect_seed(*seed, profile);

    // Project-level exports may name services' exports: ${postgres.DATABASE_URL}.
    if (const Value* ex = doc.find("exports")) {
        EnvLookup with_services = [&](std::string_view n) -> std::optional<std::string> {
            auto dot = n.find('.');
            if (dot != std::string_view::npos) {
                if (const Service* s = profile.find_service(n.substr(0, dot)))
                    for (const auto& x : s->exports)
                        if (x.name == n.substr(dot + 1)) return x.value;
            }
            return lookup(n);
        };
        for (const auto& e : ex->entries()) {
            std::string v = interpolate_string(e.value, join_path("exports", e.key), with_services);
            bool secret = false;
            for (const auto& s : profile.services)
                for (const auto& sec : s.secrets)
                    if (!sec.empty() && v.find(sec) != std::string::npos) secret = true;
            profile.exports.push_back({e.key, v, secret});
        }
    }
    return profile;
}

}  // namespace devenv

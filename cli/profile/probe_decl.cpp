#include "profile/probe_decl.hpp"

#include <fmt/format.h>

#include "profile/schema.hpp"
#include "util/duration.hpp"

namespace devenv {

namespace {

std::string default_kind(const Value& decl, const Value& compose, const std::vector<int>& host_ports) {
    if (decl.is_mapping() && decl.find("port")) return "tcp";
    if (const Value* hc = compose.find("healthcheck"); hc && !(hc->find("disable") && hc->find("disable")->text() == "true"))
        return "docker";
    if (!host_ports.empty()) return "tcp";
    return "none";
}

}  // namespace

ServiceProbe probe_from_decl(const Value& decl, const Value& compose, const std::vector<int>& host_ports,
                             const std::string& host, const ProfileLanguage& language, const std::string& path) {
    ServiceProbe out;
    ProbeSpec& p = out.probe;
    if (decl.is_mapping()) {
        validate(decl, *language.probe, path);
        p.fields = decl;
    }
    if (const Value* v = decl.is_mapping() ? decl.find("kind") : nullptr) p.kind = v->text();
    if (p.kind.empty()) p.kind = default_kind(decl, compose, host_ports);
    out.endpoint = endpoint_from_decl(decl, host_ports, host, path);
    if (const Value* v = decl.is_mapping() ? decl.find("timeout") : nullptr) {
        if (v->type() == Value::Type::integer) p.timeout = std::chrono::seconds(v->as_int());
        else p.timeout = parse_duration(v->text());
    }
    const ProbeKindDecl* kind = language.find_probe_kind(p.kind);
    if (!kind) throw Error(ErrorKind::internal, fmt::format("probe kind '{}' is not in the probe table", p.kind));
    if (kind->needs_port && out.endpoint.port == 0) {
        Mark at = decl.is_mapping() ? decl.mark() : compose.mark();
        throw error_at(at, path, fmt::format("{} {} probe needs a port, and the service publishes none", kind->article, p.kind))
            .hint("set probe.port to the host port, or publish one under ports:");
    }
    if (kind->check) kind->check(decl, path);
    return out;
}

}  // namespace devenv

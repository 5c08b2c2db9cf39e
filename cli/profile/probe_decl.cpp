#include "profile/probe_decl.hpp"

#include <fmt/format.h>

#include "profile/schema.hpp"
#include "profile/schemas.hpp"
#include "util/duration.hpp"

namespace devenv {

ProbeSpec probe_from_decl(const Value& decl, const Value& compose, const std::vector<int>& host_ports,
                          const std::string& path) {
    ProbeSpec p;
    if (decl.is_mapping()) validate(decl, *probe_schema(), path);
    auto text = [&](const char* key, std::string& into) {
        if (const Value* v = decl.is_mapping() ? decl.find(key) : nullptr) into = v->text();
    };
    text("kind", p.kind);
    if (p.kind.empty()) {
        if (decl.is_mapping() && decl.find("port")) p.kind = "tcp";
        else if (const Value* hc = compose.find("healthcheck"); hc && !(hc->find("disable") && hc->find("disable")->text() == "true"))
            p.kind = "docker";
        else if (!host_ports.empty()) p.kind = "tcp";
        else p.kind = "none";
    }
    text("host", p.host);
    if (const Value* v = decl.is_mapping() ? decl.find("port") : nullptr) p.port = static_cast<int>(integer_value(*v, path));
    else if (!host_ports.empty()) p.port = host_ports.front();
    text("scheme", p.scheme);
    text("path", p.path);
    if (const Value* v = decl.is_mapping() ? decl.find("status") : nullptr) {
        p.status.clear();
        if (v->is_sequence())
            for (const auto& s : v->items()) p.status.push_back(static_cast<int>(integer_value(s, path)));
        else
            p.status.push_back(static_cast<int>(integer_value(*v, path)));
    }
    text("body", p.body_contains);
    text("json_pointer", p.json_pointer);
    text("json_equals", p.json_equals);
    text("user", p.user);
    text("password", p.password);
    text("database", p.database);
    if (const Value* v = decl.is_mapping() ? decl.find("services") : nullptr)
        for (const auto& s : v->items()) p.aws_services.push_back(s.text());
    text("region", p.region);
    text("init_stage", p.init_stage);
    text("pattern", p.pattern);
    if (const Value* v = decl.is_mapping() ? decl.find("command") : nullptr)
        for (const auto& s : v->items()) p.command.push_back(s.text());
    if (const Value* v = decl.is_mapping() ? decl.find("timeout") : nullptr) {
        if (v->type() == Value::Type::integer) p.timeout = std::chrono::seconds(v->as_int());
        else p.timeout = parse_duration(v->text());
    }
    bool needs_port = p.kind == "tcp" || p.kind == "http" || p.kind == "postgres" || p.kind == "redis" ||
                      p.kind == "aws" || p.kind == "kafka";
    if (needs_port && p.port == 0) {
        Mark at = decl.is_mapping() ? decl.mark() : compose.mark();
        throw error_at(at, path, fmt::format("{} {} probe needs a port, and the service publishes none", p.kind == "http" || p.kind == "aws" ? "an" : "a", p.kind))
            .hint("set probe.port to the host port, or publish one under ports:");
    }
    if (p.kind == "log" && p.pattern.empty())
        throw error_at(decl.mark(), path, "a log probe needs a pattern");
    if (p.kind == "exec" && p.command.empty())
        throw error_at(decl.mark(), path, "an exec probe needs a command");
    return p;
}

}  // namespace devenv

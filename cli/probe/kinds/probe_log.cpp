// The log probe: a line of the container's log matches a regular expression.
#include <regex>

#include <fmt/format.h>

#include "probe/kind.hpp"

namespace devenv {

namespace {

using namespace schema;

std::vector<Field> fields() { return {opt("pattern", string())}; }

void check_decl(const Value& decl, const std::string& path) {
    const Value* v = decl.is_mapping() ? decl.find("pattern") : nullptr;
    if (!v || v->text().empty()) throw error_at(decl.mark(), path, "a log probe needs a pattern");
}

ProbeResult check(const ProbeCall& call) {
    if (!call.hooks.logs) return {false, "log probes need the engine", {}};
    std::string pattern = probe_text(call.spec, "pattern");
    std::string log = call.hooks.logs(call.service);
    ProbeResult r;
    try {
        r.ready = std::regex_search(log, std::regex(pattern));
    } catch (const std::regex_error& e) {
        r.detail = fmt::format("bad pattern /{}/: {}", pattern, e.what());
        return r;
    }
    if (!r.ready) r.detail = fmt::format("no log line matches /{}/ yet", pattern);
    return r;
}

void describe(const ProbeSpec& spec, Value& out) {
    if (auto pattern = probe_text(spec, "pattern"); !pattern.empty()) out.set("pattern", Value::string(pattern));
}

}  // namespace

extern const ProbeKind log_probe{
    .decl = {.name = "log", .fields = fields, .check = check_decl},
    .check = check,
    .uses_engine = true,
    .describe = describe,
};

}  // namespace devenv

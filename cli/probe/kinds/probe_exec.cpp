// The exec probe: a command run in the container exits 0.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "probe/kind.hpp"

namespace devenv {

namespace {

using namespace schema;

std::vector<Field> fields() { return {opt("command", list(string()))}; }

void check_decl(const Value& decl, const std::string& path) {
    const Value* v = decl.is_mapping() ? decl.find("command") : nullptr;
    if (!v || v->items().empty()) throw error_at(decl.mark(), path, "an exec probe needs a command");
}

ProbeResult check(const ProbeCall& call) {
    if (!call.hooks.exec) return {false, "exec probes need the engine", {}};
    std::vector<std::string> command = probe_texts(call.spec, "command");
    int code = call.hooks.exec(call.service, command);
    ProbeResult r;
    r.ready = code == 0;
    if (!r.ready) r.detail = fmt::format("`{}` exited {}", fmt::join(command, " "), code);
    return r;
}

}  // namespace

extern const ProbeKind exec_probe{
    .decl = {.name = "exec", .article = "an", .fields = fields, .check = check_decl},
    .check = check,
    .uses_engine = true,
};

}  // namespace devenv

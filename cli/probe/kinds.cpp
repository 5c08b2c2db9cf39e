// Every probe kind devenv knows. Adding a kind: write probe/kinds/probe_KIND.cpp (its fields,
// its check, its row) and add the row here (docs/architecture.md). The order is the order
// messages list the kinds in ("'htp' is not one of: tcp, http, ...").
#include "probe/kinds.hpp"

#include <fmt/format.h>

namespace devenv {

extern const ProbeKind tcp_probe;
extern const ProbeKind http_probe;
extern const ProbeKind postgres_probe;
extern const ProbeKind redis_probe;
extern const ProbeKind aws_probe;
extern const ProbeKind kafka_probe;
extern const ProbeKind docker_probe;
extern const ProbeKind log_probe;
extern const ProbeKind exec_probe;
extern const ProbeKind none_probe;

namespace {
const ProbeKind* const kKinds[] = {
    &tcp_probe, &http_probe, &postgres_probe, &redis_probe, &aws_probe,
    &kafka_probe, &docker_probe, &log_probe, &exec_probe, &none_probe,
};
}  // namespace

std::span<const ProbeKind* const> probe_kinds() { return kKinds; }

const ProbeKind* find_probe_kind(std::string_view name) {
    for (const ProbeKind* k : kKinds)
        if (k->decl.name == name) return k;
    return nullptr;
}

const ProfileLanguage& probe_language() {
    static const ProfileLanguage language = [] {
        std::vector<const ProbeKindDecl*> decls;
        for (const ProbeKind* k : kKinds) decls.push_back(&k->decl);
        return make_profile_language(std::move(decls));
    }();
    return language;
}

ProbeResult run_probe(const ProbeCall& call) {
    const ProbeKind* kind = find_probe_kind(call.spec.kind.empty() ? std::string_view("none") : call.spec.kind);
    if (!kind) {
        ProbeResult r;
        r.fatal = true;
        r.detail = fmt::format("unknown probe kind '{}'", call.spec.kind);
        return r;
    }
    return kind->check(call);
}

const Value* probe_field(const ProbeSpec& spec, const char* key) {
    return spec.fields.is_mapping() ? spec.fields.find(key) : nullptr;
}

std::string probe_text(const ProbeSpec& spec, const char* key, std::string fallback) {
    const Value* v = probe_field(spec, key);
    return v ? v->text() : fallback;
}

std::vector<std::string> probe_texts(const ProbeSpec& spec, const char* key) {
    std::vector<std::string> out;
    if (const Value* v = probe_field(spec, key))
        for (const auto& s : v->items()) out.push_back(s.text());
    return out;
}

}  // namespace devenv

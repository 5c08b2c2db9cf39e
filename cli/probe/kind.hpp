#pragma once
// A probe kind: everything devenv knows about one `kind:` of a service's probe, in one row. Each
// kind defines its row in its own file, probe/kinds/probe_KIND.cpp (its fields' schema, how it
// reads them, its check); probe/kinds.cpp lists the rows. The loader validates probe blocks
// against the rows' declarations, `wait` and `status` dispatch through them, `devenv config`
// shows each kind's fields through them. docs/architecture.md has the recipe for adding a kind.
#include <string>

#include "probe/probe.hpp"
#include "profile/probe_spec.hpp"
#include "yaml/value.hpp"

namespace devenv {

struct ProbeKind {
    ProbeKindDecl decl;  // name, its fields' schema, needs_port: what the loader checks
    // One attempt. May throw: the wait loop counts that as a failed attempt.
    ProbeResult (*check)(const ProbeCall& call) = nullptr;
    // Looks inside the container (its log, a command in it) through ProbeCall::hooks, so
    // `status` must list the containers first.
    bool uses_engine = false;
    // Adds the kind's own fields, as it reads them, for `devenv config`. Null: nothing to show.
    void (*describe)(const ProbeSpec& spec, Value& out) = nullptr;
};

// Reading a kind's fields from ProbeSpec::fields (already validated by the loader).
const Value* probe_field(const ProbeSpec& spec, const char* key);
std::string probe_text(const ProbeSpec& spec, const char* key, std::string fallback = {});
std::vector<std::string> probe_texts(const ProbeSpec& spec, const char* key);  // a list's items

}  // namespace devenv

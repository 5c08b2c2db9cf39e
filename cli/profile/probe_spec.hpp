#pragma once
// A service's readiness probe in the model (ProbeSpec), and what the loader knows of a probe kind
// (ProbeKindDecl). The kinds themselves, each with its fields and its check, live above this
// layer (probe/kinds/, one file each, listed in probe/kinds.cpp); the loader is handed their
// declarations through LoadOptions::language (profile/language.hpp), so profile/ never includes
// probe/. Where the probe connects is the service's Endpoint (profile/endpoint.hpp), not here.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "profile/schema.hpp"
#include "yaml/value.hpp"

namespace devenv {

struct ProbeSpec {
    std::string kind;                          // a probe kind's name; "" acts as "none"
    std::chrono::milliseconds timeout{60000};  // the per-service deadline of the wait
    // The validated, interpolated `probe:` declaration (a mapping, maybe empty): each kind reads
    // its own fields from it (probe/kinds/probe_KIND.cpp).
    Value fields = Value::mapping();
};

struct ProbeKindDecl {
    std::string_view name;            // the value of `kind:`
    std::string_view article = "a";   // for messages: "an http probe"
    bool needs_port = false;          // connects to the endpoint's port: the service must have one
    // Its own fields, besides `kind`, `timeout` and the endpoint's (profile/endpoint.hpp).
    std::vector<Field> (*fields)() = nullptr;
    // Checks of the merged declaration beyond the fields' shapes ("a log probe needs a
    // pattern"); throws error_at(...). Null: none.
    void (*check)(const Value& decl, const std::string& path) = nullptr;
};

}  // namespace devenv

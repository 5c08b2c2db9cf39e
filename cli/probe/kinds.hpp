#pragma once
// The table of probe kinds (probe/kinds.cpp): one row per kind, defined in the kind's own file.
#include <span>
#include <string_view>

#include "probe/kind.hpp"
#include "profile/language.hpp"

namespace devenv {

std::span<const ProbeKind* const> probe_kinds();
// nullptr when no kind has that name.
const ProbeKind* find_probe_kind(std::string_view name);

// The profile language with these probe kinds, for LoadOptions::language.
const ProfileLanguage& probe_language();

// One attempt of the call's kind (an empty kind acts as "none").
ProbeResult run_probe(const ProbeCall& call);

}  // namespace devenv

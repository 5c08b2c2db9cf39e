#pragma once
// The parts of the profile language that layers above profile/ define: today the probe kinds
// (probe/kinds.cpp). Whoever loads a profile passes them in (LoadOptions::language, usually
// probe_language() from probe/kinds.hpp); profile/ only walks them. This inversion keeps each
// probe kind in one file above profile/ (its fields and its check together) while the loader
// still rejects a misspelt probe field at file:line:col, in document order, before anything runs.
#include <memory>
#include <string_view>
#include <vector>

#include "profile/probe_spec.hpp"
#include "profile/schema.hpp"

namespace devenv {

struct ProfileLanguage {
    std::vector<const ProbeKindDecl*> probe_kinds;  // in the order messages list them
    // A service's `probe:` block: `kind`, the endpoint's fields, every kind's own fields (the
    // first kind that declares a name gives its schema), `timeout`.
    SchemaPtr probe;
    SchemaPtr profile;  // a profile document, whose services' `probe:` blocks are `probe`

    const ProbeKindDecl* find_probe_kind(std::string_view name) const;
};

ProfileLanguage make_profile_language(std::vector<const ProbeKindDecl*> probe_kinds);

}  // namespace devenv

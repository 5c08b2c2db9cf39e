#pragma once
#include <vector>

#include "profile/model.hpp"

namespace devenv {

// The declarations of the profile's `seed` block, grouped by service in declaration order:
// each names a service of the profile (else an error with "did you mean"); `KIND: ~` drops a
// block a parent profile declared. What a kind's block holds is checked above this layer, by
// the table of seed kinds (seed/check.cpp).
std::vector<SeedDecl> collect_seed(const Value& seed, const Profile& profile);

}  // namespace devenv

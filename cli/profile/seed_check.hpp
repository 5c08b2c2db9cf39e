#pragma once
#include <vector>

#include "profile/model.hpp"

namespace devenv {

// Validates seed.<service>.<kind> against the services and each kind's schema, including
// references inside the seed (dead-letter queues, rule targets, user groups).
std::vector<SeedDecl> check_seed(const Value& seed, const Profile& profile);

}  // namespace devenv

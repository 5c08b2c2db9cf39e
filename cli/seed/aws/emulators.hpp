#pragma once
// The AWS emulators' soft resets (seed/aws/emulators.cpp): moto drops all state with one call;
// LocalStack community and MinIO have no reset endpoint, so every seed kind's `purge` deletes
// what the service holds, then the seed is applied again.
#include <string>

#include "seed/seed.hpp"

namespace devenv {

// The deletion half of LocalStack's reset, reported as `removed` (exposed for tests). False when
// something could not be deleted (reported as failed) or the run was interrupted.
bool delete_all_aws_resources(const SeedTarget& target, const std::string& service, SeedSink& sink);

}  // namespace devenv

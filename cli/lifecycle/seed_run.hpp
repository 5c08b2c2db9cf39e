#pragma once
// `devenv seed` and soft `devenv reset` (and the seed step of `up` and `reset --hard`): running
// the seed with progress reported to an observer, then the command's verdict.
#include <optional>

#include "lifecycle/observer.hpp"
#include "lifecycle/seeding.hpp"

namespace devenv {

enum class SeedMode { seed, reset };

// Runs seed (or soft reset), reporting each resource and the result to `obs`; throws
// Error(seed) when a resource failed (exit 5) and Error(interrupted) on Ctrl-C, after the result
// was reported (what was done is kept either way).
SeedRunResult run_seed(Environment& env, SeedRunOptions opts, SeedMode mode, LifecycleObserver& obs);

// The error a finished seed or reset ends with, if any: interrupted, then failed resources.
std::optional<Error> seed_verdict(const SeedRunResult& r, SeedMode mode, bool interrupted);

}  // namespace devenv

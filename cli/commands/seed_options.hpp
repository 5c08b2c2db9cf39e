#pragma once
// What `seed`, `reset` and `up` share: running the seed with progress and a summary.
#include "commands/context.hpp"
#include "lifecycle/seeding.hpp"

namespace devenv {

// Runs seed (or soft reset), shows progress and the summary; throws Error(seed) when a resource
// failed (exit 5) and Error(interrupted) on Ctrl-C. `json_lines`: results as one compact line
// (for `up --json`), else one document.
SeedRunResult run_seed_command(Context& ctx, Environment& env, SeedRunOptions opts, bool reset, bool json_lines);

}  // namespace devenv

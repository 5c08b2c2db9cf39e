#pragma once
// `devenv pull [PROFILE]`: the images a profile needs, pulled with progress and nothing started
// (for CI caches and slow networks).
#include <atomic>

#include "lifecycle/observer.hpp"

namespace devenv {

struct PullCommandOptions {
    bool missing_only = false;  // --missing: only what the engine lacks (default: every image, as `docker compose pull`)
    const std::atomic<bool>* interrupted = nullptr;
};

// Pulls, reporting to `obs` (pulls_started, pull_event, pulls_finished, then pulled and
// finished). Throws as pull_images does.
PullResult run_pull_command(Environment& env, const PullCommandOptions& o, LifecycleObserver& obs);

}  // namespace devenv

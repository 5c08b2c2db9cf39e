#pragma once
// `devenv reset`: soft (each service back to its seeded state, containers kept) or --hard
// (down --volumes, up, seed: everything from scratch).
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "lifecycle/observer.hpp"
#include "lifecycle/seed_run.hpp"

namespace devenv {

struct ResetCommandOptions {
    std::vector<std::string> services;  // only these (soft reset only)
    bool hard = false;                  // --hard
    bool allow_remote = false;          // --allow-remote
    // The wait of --hard's up; read before anything is taken down, so a bad --timeout changes
    // nothing (null: 5 minutes).
    std::function<std::chrono::milliseconds()> up_timeout;
    const std::atomic<bool>* interrupted = nullptr;
};

enum class ResetStep { soft_reset, down_volumes, up, seed };

// The steps a reset takes: a soft reset alone, or for --hard down --volumes, up and seed.
// Throws Error(usage) for --hard with services: it recreates the whole environment.
std::vector<ResetStep> plan_reset(const ResetCommandOptions& o);

// Runs the plan, reporting to `obs`; the result is the last seed or reset run. Throws as
// run_seed does.
SeedRunResult run_reset_command(Environment& env, const ResetCommandOptions& o, LifecycleObserver& obs);

}  // namespace devenv

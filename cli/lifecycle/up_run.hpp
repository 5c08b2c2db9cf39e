#pragma once
// `devenv up` and `devenv wait` as whole commands: start (or find up), wait with progress
// reported to an observer, then decide whether to seed and seed.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lifecycle/observer.hpp"
#include "lifecycle/seed_run.hpp"

namespace devenv {

struct UpCommandOptions {
    bool build = false;         // --build
    bool no_seed = false;       // --no-seed
    bool allow_remote = false;  // --allow-remote
    PullPolicy pull = PullPolicy::missing;  // --pull
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};
    const std::atomic<bool>* interrupted = nullptr;
};

// Whether `up` seeds: not with --no-seed, not when nothing is declared, not when the services
// were already up and the recorded seed fingerprint matches the profile's. `recorded_seed_hash`
// is asked only when it matters (it reads .devenv/state.json).
UpSeed decide_up_seed(bool no_seed, const Profile& p, const UpResult& up,
                      const std::function<std::optional<std::string>()>& recorded_seed_hash);

// up() with the pulls and the wait reported to `obs` under `command` ("up", "reset");
// wait_finished() is reported whether it succeeds or throws. Does not report up_done.
UpResult start_environment(Environment& env, bool build, std::chrono::milliseconds timeout,
                           const std::atomic<bool>* interrupted, const std::string& command,
                           LifecycleObserver& obs, PullPolicy pull = PullPolicy::missing);

// PullOptions whose progress goes to `obs`.
PullOptions observed_pulls(PullPolicy policy, const std::atomic<bool>* interrupted, LifecycleObserver& obs);

struct UpCommandResult {
    UpResult up;
    UpSeed seed = UpSeed::seed;
    std::optional<SeedRunResult> seeded;  // when it seeded
};

// `devenv up`: start, report up_done, decide and report whether to seed, seed, report finished.
UpCommandResult run_up_command(Environment& env, const UpCommandOptions& o, LifecycleObserver& obs);

// `devenv wait`: the wait alone on `services` (all when empty), reported to `obs`.
WaitResult run_wait_command(Environment& env, const std::vector<std::string>& services,
                            std::chrono::milliseconds timeout, const std::atomic<bool>* interrupted,
                            LifecycleObserver& obs);

}  // namespace devenv

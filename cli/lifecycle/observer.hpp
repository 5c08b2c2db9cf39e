#pragma once
// What the lifecycle operations report while they run. lifecycle/ decides and calls these;
// ui/ implements them to show progress (ui/lifecycle_view.hpp). Every method does nothing by
// default, so a test records only what it looks at.
#include <string>
#include <vector>

#include "lifecycle/environment.hpp"
#include "lifecycle/pulls.hpp"
#include "lifecycle/seeding.hpp"

namespace devenv {

// Whether `up` seeds after the services are ready, and why not.
enum class UpSeed {
    seed,              // seed declarations apply: seed
    not_asked,         // --no-seed
    nothing_declared,  // the profile declares no seed
    already_applied,   // already up with the same seed applied (`devenv seed` re-checks)
};

class LifecycleObserver {
public:
    virtual ~LifecycleObserver() = default;
    // A progress note outside a wait ("stopping project x").
    virtual void note(const std::string&) {}
    // Pulls begin (only when some image is to be pulled), each image's progress, their end
    // (also after a failure, before the error is thrown).
    virtual void pulls_started(const std::vector<ImageNeed>& /*images*/) {}
    virtual void pull_event(const PullEvent&) {}
    virtual void pulls_finished() {}
    // `devenv pull` finished.
    virtual void pulled(const PullResult&) {}
    // A wait begins on `services`; `command` ("up", "wait", "reset") names it in event lines.
    virtual void wait_started(const std::vector<std::string>& /*services*/, const std::string& /*command*/) {}
    // A note during a wait ("starting 3 services with docker compose").
    virtual void wait_note(const std::string&) {}
    virtual void wait_event(const WaitEvent&) {}
    // The wait is over, whether it succeeded or threw.
    virtual void wait_finished() {}
    // `up` brought every service up (or found them up).
    virtual void up_done(const UpResult&) {}
    virtual void up_seed_decided(UpSeed) {}
    // Each seed or reset resource as it lands.
    virtual void resource(const ResourceResult&) {}
    // Seed or reset finished (before the verdict: a failure throws after this).
    virtual void seed_done(const SeedRunResult&) {}
    // The command finished without an error.
    virtual void finished() {}
};

}  // namespace devenv

#include "lifecycle/up_run.hpp"

#include "state/state.hpp"

namespace devenv {

namespace {

// Reports wait_finished() when the wait ends, however it ends.
struct WaitFinished {
    LifecycleObserver& obs;
    ~WaitFinished() { obs.wait_finished(); }
};

}  // namespace

UpSeed decide_up_seed(bool no_seed, const Profile& p, const UpResult& up,
                      const std::function<std::optional<std::string>()>& recorded_seed_hash) {
    if (no_seed) return UpSeed::not_asked;
    if (p.seeds.empty()) return UpSeed::nothing_declared;
    if (up.already_up) {
        auto hash = recorded_seed_hash();
        if (hash && *hash == seed_fingerprint(p)) return UpSeed::already_applied;
    }
    return UpSeed::seed;
}

PullOptions observed_pulls(PullPolicy policy, const std::atomic<bool>* interrupted, LifecycleObserver& obs) {
    PullOptions p;
    p.policy = policy;
    p.interrupted = interrupted;
    p.on_begin = [&obs](const std::vector<ImageNeed>& images) { obs.pulls_started(images); };
    p.on_event = [&obs](const PullEvent& e) { obs.pull_event(e); };
    p.on_end = [&obs] { obs.pulls_finished(); };
    return p;
}

UpResult start_environment(Environment& env, bool build, std::chrono::milliseconds timeout,
                           const std::atomic<bool>* interrupted, const std::string& command,
                           LifecycleObserver& obs, PullPolicy pull) {
    obs.wait_started(env.profile.service_names(), command);
    WaitFinished guard{obs};
    UpOptions o;
    o.build = build;
    o.timeout = timeout;
    o.on_event = [&](const WaitEvent& e) { obs.wait_event(e); };
    o.on_note = [&](const std::string& s) { obs.wait_note(s); };
    o.interrupted = interrupted;
    o.pull = observed_pulls(pull, interrupted, obs);
    return up(env, o);
}

UpCommandResult run_up_command(Environment& env, const UpCommandOptions& o, LifecycleObserver& obs) {
    UpCommandResult r;
    r.up = start_environment(env, o.build, o.timeout, o.interrupted, "up", obs, o.pull);
    obs.up_done(r.up);
    r.seed = decide_up_seed(o.no_seed, env.profile, r.up, [&]() -> std::optional<std::string> {
        auto rec = read_state(env.dir);
        if (!rec) return std::nullopt;
        return rec->seed_hash;
    });
    obs.up_seed_decided(r.seed);
    if (r.seed == UpSeed::seed) {
        SeedRunOptions so;
        so.allow_remote = o.allow_remote;
        so.interrupted = o.interrupted;
        r.seeded = run_seed(env, so, SeedMode::seed, obs);
    }
    obs.finished();
    return r;
}

WaitResult run_wait_command(Environment& env, const std::vector<std::string>& services,
                            std::chrono::milliseconds timeout, const std::atomic<bool>* interrupted,
                            LifecycleObserver& obs) {
    obs.wait_started(services.empty() ? env.profile.service_names() : services, "wait");
    WaitFinished guard{obs};
    return wait_ready(env, services, timeout, [&](const WaitEvent& e) { obs.wait_event(e); }, interrupted);
}

}  // namespace devenv

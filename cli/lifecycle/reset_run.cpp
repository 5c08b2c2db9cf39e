#include "lifecycle/reset_run.hpp"

#include "lifecycle/up_run.hpp"

namespace devenv {

std::vector<ResetStep> plan_reset(const ResetCommandOptions& o) {
    if (!o.hard) return {ResetStep::soft_reset};
    if (!o.services.empty())
        throw Error(ErrorKind::usage, "reset --hard recreates the whole environment; it takes no SERVICE")
            .hint("leave out the service names, or use a soft `devenv reset SERVICE`");
    return {ResetStep::down_volumes, ResetStep::up, ResetStep::seed};
}

SeedRunResult run_reset_command(Environment& env, const ResetCommandOptions& o, LifecycleObserver& obs) {
    SeedRunOptions so;
    so.services = o.services;
    so.allow_remote = o.allow_remote;
    so.interrupted = o.interrupted;
    SeedRunResult last;
    const std::vector<ResetStep> steps = plan_reset(o);
    // Read --timeout (and refuse a bad one) before anything is taken down.
    std::chrono::milliseconds up_timeout = std::chrono::minutes(5);
    if (o.hard && o.up_timeout) up_timeout = o.up_timeout();
    for (ResetStep step : steps) {
        switch (step) {
        case ResetStep::soft_reset: last = run_seed(env, so, SeedMode::reset, obs); break;
        case ResetStep::down_volumes: down(env, true, [&](const std::string& s) { obs.note(s); }); break;
        case ResetStep::up:
            start_environment(env, false, up_timeout, o.interrupted,
                              "reset", obs);
            break;
        case ResetStep::seed: last = run_seed(env, so, SeedMode::seed, obs); break;
        }
    }
    obs.finished();
    return last;
}

}  // namespace devenv

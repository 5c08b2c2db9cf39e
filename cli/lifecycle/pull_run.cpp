#include "lifecycle/pull_run.hpp"

#include "lifecycle/up_run.hpp"

namespace devenv {

PullResult run_pull_command(Environment& env, const PullCommandOptions& o, LifecycleObserver& obs) {
    env.api().ping();
    PullOptions p = observed_pulls(o.missing_only ? PullPolicy::missing : PullPolicy::always, o.interrupted, obs);
    PullResult r = pull_images(env.profile, env.api(), p);
    obs.pulled(r);
    obs.finished();
    return r;
}

}  // namespace devenv

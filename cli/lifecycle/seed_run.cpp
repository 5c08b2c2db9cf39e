#include "lifecycle/seed_run.hpp"

#include <fmt/format.h>

namespace devenv {

SeedRunResult run_seed(Environment& env, SeedRunOptions opts, SeedMode mode, LifecycleObserver& obs) {
    opts.on_result = [&](const ResourceResult& r) { obs.resource(r); };
    SeedRunResult r = mode == SeedMode::reset ? reset_environment(env, opts) : seed_environment(env, opts);
    obs.seed_done(r);
    if (auto e = seed_verdict(r, mode, opts.interrupted && opts.interrupted->load())) throw *e;
    return r;
}

std::optional<Error> seed_verdict(const SeedRunResult& r, SeedMode mode, bool interrupted) {
    bool reset = mode == SeedMode::reset;
    if (interrupted)
        return Error(ErrorKind::interrupted, fmt::format("{} interrupted; what was done is kept", r.command))
            .hint(reset ? "run `devenv reset` again" : "run `devenv seed` again to finish");
    if (r.ok) return std::nullopt;
    int failed = 0;
    for (const auto& s : r.services) failed += s.failed;
    return Error(ErrorKind::seed, fmt::format("{} failed for {} resource{}; the rest is in place", r.command, failed,
                                              failed == 1 ? "" : "s"))
        .hint(reset ? "fix what is named above and run `devenv reset` again, or `devenv reset --hard`"
                    : "fix what is named above and run `devenv seed` again: it finishes the job");
}

}  // namespace devenv

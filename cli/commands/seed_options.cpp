#include "commands/seed_options.hpp"

#include <fmt/format.h>

#include "ui/seed_report.hpp"

namespace devenv {

SeedRunResult run_seed_command(Context& ctx, Environment& env, SeedRunOptions opts, bool reset, bool json_lines) {
    const Ui& ui = *ctx.ui;
    opts.interrupted = ctx.interrupted();
    opts.on_result = [&](const ResourceResult& r) {
        if (ui.options().json) return;
        // Failures as they happen; everything with -v.
        if (r.outcome == Outcome::failed) ui.note(ctx.mask(format_resource(ui, r), env.profile));
        else ui.verbose(ctx.mask(format_resource(ui, r), env.profile));
    };
    SeedRunResult r = reset ? reset_environment(env, opts) : seed_environment(env, opts);
    if (ui.options().json) ui.out(ctx.mask(seed_json(r, json_lines ? -1 : 2), env.profile));
    else if (!ui.options().quiet || !r.ok) ui.out(ctx.mask(format_seed_summary(ui, r), env.profile));
    if (ctx.interrupted()->load())
        throw Error(ErrorKind::interrupted, fmt::format("{} interrupted; what was done is kept", r.command))
            .hint(reset ? "run `devenv reset` again" : "run `devenv seed` again to finish");
    if (!r.ok) {
        int failed = 0;
        for (const auto& s : r.services) failed += s.failed;
        // A step that runs through the engine (exec) fails when the engine stops: say that (exit 3).
        if (auto gone = engine_gone(env, fmt::format("ran the {}", r.command))) {
            gone->detail(fmt::format("{} resource{} failed; what was done is kept", failed, failed == 1 ? "" : "s"));
            throw *gone;
        }
        throw Error(ErrorKind::seed, fmt::format("{} failed for {} resource{}; the rest is in place", r.command, failed,
                                                 failed == 1 ? "" : "s"))
            .hint(reset ? "fix what is named above and run `devenv reset` again, or `devenv reset --hard`"
                        : "fix what is named above and run `devenv seed` again: it finishes the job");
    }
    return r;
}

}  // namespace devenv

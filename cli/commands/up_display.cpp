#include "commands/up_display.hpp"

#include "ui/progress.hpp"

namespace devenv {

UpResult run_up_with_display(Context& ctx, Environment& env, bool build, const std::string& command) {
    WaitDisplay display(*ctx.ui, env.profile.service_names(), command);
    UpOptions o;
    o.build = build;
    o.timeout = ctx.timeout(std::chrono::minutes(5));
    o.on_event = [&](const WaitEvent& e) { display.on_event(e); };
    o.on_note = [&](const std::string& s) { display.note(s); };
    o.interrupted = ctx.interrupted();
    try {
        UpResult r = up(env, o);
        display.finish();
        return r;
    } catch (...) {
        display.finish();
        throw;
    }
}

}  // namespace devenv

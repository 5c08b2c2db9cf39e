#pragma once
// What every subcommand shares: the global options, the UI, and turning the global options
// into what the core takes (load options, the environment to act on, the timeout).
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "commands/bind.hpp"
#include "lifecycle/environment.hpp"
#include "profile/load.hpp"
#include "ui/ui.hpp"

namespace CLI {
class App;
}

namespace devenv {

struct Context {
    GlobalOptions global;
    std::unique_ptr<Ui> ui;

    std::string project_dir() const;
    LoadOptions load_options(const std::string& profile) const;
    Profile load(const std::string& profile) const;

    // The environment to act on (lifecycle/select.hpp): `up` passes recorded=false, the others
    // true. Checks that `services` are services of its profile.
    // engine: the command talks to the engine (all but `env`): its client starts loading at once.
    Environment open(const std::string& profile, bool recorded, const std::vector<std::string>& services = {},
                     bool engine = true) const;
    // --timeout, or `fallback`; Error(usage) when it is not a duration.
    std::chrono::milliseconds timeout(std::chrono::milliseconds fallback) const;
    const std::atomic<bool>* interrupted() const;

    int exit_code = 0;  // set by commands that report a state by their exit status (status: 4)
};

// Each subcommand registers itself: binds its options (bind.hpp) and calls the core.
void register_render(CLI::App& app, Context& ctx);
void register_config(CLI::App& app, Context& ctx);
void register_profiles(CLI::App& app, Context& ctx);
void register_version(CLI::App& app, Context& ctx);
void register_templates(CLI::App& app, Context& ctx);
void register_up(CLI::App& app, Context& ctx);
void register_pull(CLI::App& app, Context& ctx);
void register_down(CLI::App& app, Context& ctx);
void register_status(CLI::App& app, Context& ctx);
void register_wait(CLI::App& app, Context& ctx);
void register_logs(CLI::App& app, Context& ctx);
void register_env(CLI::App& app, Context& ctx);
void register_seed(CLI::App& app, Context& ctx);
void register_reset(CLI::App& app, Context& ctx);
void register_init(CLI::App& app, Context& ctx);
void register_doctor(CLI::App& app, Context& ctx);
void register_completion(CLI::App& app, Context& ctx);  // also the hidden __complete and __man

}  // namespace devenv

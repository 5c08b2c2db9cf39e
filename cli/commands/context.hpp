#pragma once
// What every subcommand shares: the global options, the UI, and loading the profile.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lifecycle/environment.hpp"
#include "profile/load.hpp"
#include "ui/ui.hpp"

namespace CLI {
class App;
}

namespace devenv {

struct GlobalOptions {
    std::string chdir;                       // -C DIR
    std::optional<std::string> file;         // -f FILE
    bool json = false;
    bool quiet = false;
    bool verbose = false;
    bool no_color = false;
    bool show_secrets = false;
    std::optional<std::string> timeout;      // --timeout (duration)
    std::vector<std::string> sets;           // --set PATH=VALUE
    std::vector<std::string> overlays;       // --overlay NAME
    int port_offset = 0;                     // --port-offset N
    std::string project_name;                // --project-name
};

struct Context {
    GlobalOptions global;
    std::unique_ptr<Ui> ui;

    std::string project_dir() const;
    LoadOptions load_options(const std::string& profile) const;
    Profile load(const std::string& profile) const;
    // Replaces secret values with ******** unless --show-secrets.
    std::string mask(std::string text, const Profile& p) const;

    // The environment to act on. `up` passes what the command line says. The others
    // (status, wait, down, logs, ...) pass recorded=true: with no profile named and no
    // --set/--overlay/--port-offset given, they reload what the last `up` recorded in .devenv/,
    // so they see the same profile as the running containers.
    Environment open(const std::string& profile, bool recorded) const;
    // --timeout, or `fallback`.
    std::chrono::milliseconds timeout(std::chrono::milliseconds fallback) const;
    const std::atomic<bool>* interrupted() const;

    int exit_code = 0;  // set by commands that report a state by their exit status (status: 4)
};

// Each subcommand registers itself: binds its options and calls the core.
void register_render(CLI::App& app, Context& ctx);
void register_config(CLI::App& app, Context& ctx);
void register_profiles(CLI::App& app, Context& ctx);
void register_version(CLI::App& app, Context& ctx);
void register_templates(CLI::App& app, Context& ctx);
void register_up(CLI::App& app, Context& ctx);
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

// SERVICE arguments must name services of the profile (usage error with "did you mean").
void check_service_names(const std::vector<std::string>& names, const Profile& p);

}  // namespace devenv

#pragma once
// What every subcommand shares: the global options, the UI, and loading the profile.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
};

// Each subcommand registers itself: binds its options and calls the core.
void register_render(CLI::App& app, Context& ctx);
void register_config(CLI::App& app, Context& ctx);
void register_profiles(CLI::App& app, Context& ctx);
void register_version(CLI::App& app, Context& ctx);
void register_templates(CLI::App& app, Context& ctx);

}  // namespace devenv

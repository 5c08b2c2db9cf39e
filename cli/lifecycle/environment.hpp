#pragma once
// An environment: a resolved profile bound to its project folder, its .devenv/ state and the
// container engine. up, down, status, wait and logs are operations on it.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "engine/compose.hpp"
#include "engine/docker_api.hpp"
#include "lifecycle/pulls.hpp"
#include "engine/engine_host.hpp"
#include "probe/wait.hpp"
#include "profile/load.hpp"
#include "state/state.hpp"

namespace devenv {

struct Environment {
    LoadOptions options;  // what loaded the profile (recorded so later commands reload the same)
    Profile profile;
    StateDir dir;
    EngineTarget engine;  // which engine, and the host its ports are on (profile.host is its host)
    ComposeProject compose;
    std::unique_ptr<DockerApi> docker;  // created on first use, on `engine`
    // Every environment variable the profile read while loading (nullopt: unset).
    std::map<std::string, std::optional<std::string>> env_seen;
    DockerApi& api();
};

// For a command that will talk to the engine: its HTTP library starts loading now, on a thread
// of its own, while the profile is read (net/http.hpp). `env`, `render`, completion and the
// like never call it, so they load nothing they do not use.
void start_engine_client_init();

// The host published ports are reached at, for LoadOptions::host: resolve_engine()'s. When the
// engine cannot be resolved (a DOCKER_HOST devenv cannot use) this machine's, so that commands
// that need no engine (render, config, doctor) still load; those that do fail on the engine.
std::string engine_host_for_profiles();

// Loads the profile and binds it to the project and the engine. Nothing is written.
Environment open_environment(const LoadOptions& opts);

// Options that reload the profile a running environment was started with (recorded by `up`):
// its profile, overlays, --set values, port offset, project name and the environment variables
// it read. Null when nothing is recorded in the project's .devenv/.
std::optional<LoadOptions> recorded_load_options(const std::string& project_dir);

struct UpOptions {
    bool build = false;
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};
    std::function<void(const WaitEvent&)> on_event;
    std::function<void(const std::string&)> on_note;   // "starting containers", ...
    const std::atomic<bool>* interrupted = nullptr;
    // Images are pulled by devenv (lifecycle/pulls.hpp) before Compose runs, with `--pull never`.
    PullOptions pull;
};

struct UpResult {
    bool already_up = false;           // nothing to do: same file, everything ready
    WaitResult wait;
    std::chrono::microseconds took{0};
    PullResult pulls;  // what was pulled before starting
};

// Renders into .devenv/, checks ports, pulls the images the engine lacks (opts.pull), starts
// with Compose, waits. A failed pull is an Error(engine) before any container exists. Throws Error(engine) for
// Compose or engine failures, Error(not_ready) when a service does not come up (with what
// failed and the last log lines), Error(interrupted) on Ctrl-C.
UpResult up(Environment& env, const UpOptions& opts);

void down(Environment& env, bool volumes, const std::function<void(const std::string&)>& on_note);

struct ServiceStatus {
    std::string name;
    bool has_container = false;
    ContainerInfo container;
    ProbeResult probe;            // only when the container runs (a job: its verdict, see job_attempt)
    bool ready = false;
    bool job = false;             // a one-shot service (profile/jobs.hpp)
    bool completed = false;       // a job whose container exited with code 0 (then also ready)
};

struct StatusReport {
    std::string project;
    std::string profile;
    std::vector<ServiceStatus> services;
    bool all_ready = false;
};

// One Engine API list call and one probe per running service, in parallel.
StatusReport status(Environment& env, const std::vector<std::string>& only);

// The wait alone, for environments started another way.
WaitResult wait_ready(Environment& env, const std::vector<std::string>& only, std::chrono::milliseconds timeout,
                      const std::function<void(const WaitEvent&)>& on_event, const std::atomic<bool>* interrupted);

// Throws Error(not_ready) describing the failed services of a wait.
[[noreturn]] void throw_wait_failure(const WaitResult& r, const Environment& env);

// After a failure that may have been the engine going away (containers "exited", a seed step
// that could not reach it): asks the engine on a fresh connection. When it does not answer, an
// Error(engine) saying that `what` ("waited for app", "seed") was cut short by it; else nullopt.
std::optional<Error> engine_gone(const Environment& env, const std::string& what);

// Hooks for the wait loop backed by the Engine API.
WaitHooks engine_hooks(Environment& env);

}  // namespace devenv

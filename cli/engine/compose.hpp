#pragma once
// The Docker Compose v2 driver: found once per process, run with an argv (never a shell
// string), always with -p NAME -f FILE --project-directory DIR so nothing depends on the
// caller's folder or on COMPOSE_PROJECT_NAME / COMPOSE_FILE. Callers use the typed operations
// below (up, down, config, logs, ps); the argv is built here. A failing operation throws
// Error(engine) saying what Compose could not do, with its last stderr line in the message,
// the last 20 lines as details and the command in a hint.
//
// Which Compose runs:
//   1. DEVENV_COMPOSE, when set: if it names an executable (a path, or a name on PATH) that is
//      the whole command, so a path may hold spaces ("/opt/My Tools/docker-compose"); else it
//      is split at whitespace into a command and its first arguments ("docker compose").
//      No shell is involved either way. When it is set, nothing else is tried.
//   2. the `docker compose` CLI plugin;
//   3. a `docker-compose` binary on PATH that reports version 2 or later.
// Compose v1 (1.x, the Python one) is refused: its flags and output differ.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/process.hpp"

namespace devenv {

struct ComposeTool {
    std::vector<std::string> argv;  // {"docker", "compose"} or {"/usr/bin/docker-compose"}
    std::string version;            // as `version --short` prints it, without a leading v: "2.26.1"
    std::string found_by;           // "DEVENV_COMPOSE", "the docker compose plugin", "docker-compose on PATH"
};

// Finds Compose as described above, uncached; throws Error(engine) when no Compose v2 is found.
ComposeTool discover_compose();
// Discovers Compose on first call (about 50 ms) and caches the result, failure included, for
// the process. Throws Error(engine) when no Compose v2 is found, or only v1.
const ComposeTool& compose_tool();
// compose_tool().version.
const std::string& compose_version();

struct ComposeProject {
    std::string name;         // -p
    std::string file;         // -f (the rendered file)
    std::string project_dir;  // --project-directory
    // The engine (EngineTarget::address), given to Compose as DOCKER_HOST, so that it acts on
    // the engine devenv's API client reads even when that came from a docker context. "": as
    // Compose would choose.
    std::string engine;
};

struct ComposeUpOptions {
    bool remove_orphans = true;   // --remove-orphans
    bool build = false;           // --build
    bool force_recreate = false;  // --force-recreate
    std::string pull;             // --pull POLICY ("never" once devenv pulled); "" = Compose's default
    bool wait = false;            // --wait: Compose's own wait (healthchecks; no logs on failure)
    std::optional<std::chrono::seconds> wait_timeout;  // --wait-timeout
    std::vector<std::string> services;                 // only these (and their dependencies)
    bool show_progress = false;   // Compose writes its progress to our stderr instead of capturing
    std::optional<std::chrono::milliseconds> timeout;  // of the whole command
};

struct ComposeDownOptions {
    bool remove_orphans = true;   // --remove-orphans
    bool volumes = false;         // --volumes: named volumes too
    std::optional<int> stop_timeout_s;  // --timeout
    std::optional<std::chrono::milliseconds> timeout;
    // Compose in a process group of its own, out of reach of the terminal's Ctrl-C: stopping
    // halfway leaves containers that the next `up` finds dying (exit 137).
    bool own_process_group = false;
};

// `up --detach ...`; the error says Compose could not "start the environment".
void compose_up(const ComposeProject& p, const ComposeUpOptions& opts = {});
// `down ...`; "stop the environment".
void compose_down(const ComposeProject& p, const ComposeDownOptions& opts = {});
// `config --quiet`: Compose's own loader accepts the file, or Error(engine) with its reasons.
void compose_validate(const ComposeProject& p);
// `config`: the file as Compose resolves it (YAML).
std::string compose_config(const ComposeProject& p);
// `logs --no-color [--tail N] [SERVICE...]`: prefixed lines of every container.
std::string compose_logs(const ComposeProject& p, const std::vector<std::string>& services = {},
                         std::optional<int> tail = std::nullopt);
// `ps --all --format json`: one object per container, whichever shape this Compose prints
// (a JSON array before 2.21, JSON lines since).
nlohmann::json compose_ps(const ComposeProject& p);

}  // namespace devenv

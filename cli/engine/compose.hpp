#pragma once
// The Docker Compose v2 driver: found once per process, run with an argv (never a shell
// string). DEVENV_COMPOSE overrides discovery: a path to a `docker-compose` v2 binary, or
// "docker compose" (words split on spaces; no shell involved).
#include <string>
#include <vector>

#include "util/process.hpp"

namespace devenv {

struct ComposeTool {
    std::vector<std::string> argv;  // {"docker", "compose"} or {"/usr/bin/docker-compose"}
    std::string version;            // "2.26.1"
};

// Throws Error(engine) when no Compose v2 is found, or only v1.
const ComposeTool& compose_tool();

struct ComposeProject {
    std::string name;         // -p
    std::string file;         // -f (the rendered file)
    std::string project_dir;  // --project-directory
};

// Runs `compose -p NAME -f FILE --project-directory DIR args...`.
ProcessResult compose_run(const ComposeProject& p, const std::vector<std::string>& args, ProcessOptions opts = {});

// Like compose_run, but a non-zero exit throws Error(engine) with the tail of Compose's
// stderr and `what` ("start the environment").
ProcessResult compose_check(const ComposeProject& p, const std::vector<std::string>& args, const std::string& what,
                            ProcessOptions opts = {});

}  // namespace devenv

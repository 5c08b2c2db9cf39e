#pragma once
// Which container engine devenv talks to, and on which host its published ports are reached:
// decided here and nowhere else. In order:
//   1. DOCKER_HOST: unix:///path, tcp://host:port, ssh://[user@]host[:port];
//   2. the Docker CLI's current context: DOCKER_CONTEXT, else `currentContext` in
//      $DOCKER_CONFIG/config.json (~/.docker/config.json); its metadata in
//      contexts/meta/<sha256 of the name>/meta.json names the engine (Endpoints.docker.Host);
//   3. the default socket, unix:///var/run/docker.sock.
// (The order is the Docker CLI's own: DOCKER_HOST wins over a context.)
//
// The host of the published ports: DEVENV_HOST when set; else the tcp:// or ssh:// engine's
// host; else, for a unix socket, this machine (127.0.0.1), except in a container that was handed
// the host's socket (a devcontainer, Codespaces): there the ports are on the container's host,
// `host.docker.internal` when /etc/hosts names it (`--add-host host.docker.internal:host-gateway`,
// Docker Desktop), else the container's default gateway. A container that runs its own engine
// (or shares the host's network) has a bridge interface of its own and keeps 127.0.0.1.
#include <string>

#include "util/env.hpp"

namespace devenv {

struct EngineTarget {
    std::string address;      // for the Engine API and Compose: "unix:///var/run/docker.sock", "tcp://h:2375", "ssh://u@h"
    std::string source;       // why this engine: "DOCKER_HOST", "docker context 'ci' (DOCKER_CONTEXT)", "the default socket"
    std::string context;      // the context's name when it came from one, else ""
    std::string host;         // where published ports are reached: "127.0.0.1", "10.0.0.5", "host.docker.internal"
    std::string host_source;  // why that host: "DEVENV_HOST", "the engine's address", ...

    // The engine runs on this machine and publishes on its loopback: ports can be checked by
    // binding them here.
    bool ports_on_this_machine() const;
};

// Where resolve_engine looks: the environment, and the root the files it reads are under
// ("/" for real; a test's folder holding .dockerenv, etc/hosts, proc/net/route, sys/class/net).
struct EngineLookup {
    EnvLookup getenv;       // null: the process environment
    std::string root = "/";
};

// Throws Error(engine) for a DOCKER_HOST or context devenv cannot use (npipe://, a context
// that does not exist or uses TLS) and Error(usage) for a DEVENV_HOST that is not a host.
EngineTarget resolve_engine(const EngineLookup& lookup = {});

// 127.0.0.1, ::1, localhost, 127.x.y.z.
bool is_loopback_host(const std::string& host);

// "ssh://user@host:22/path" -> its parts; port 0 when not given.
struct SshAddress {
    std::string user;
    std::string host;
    int port = 0;
};
SshAddress parse_ssh_address(const std::string& address);

}  // namespace devenv

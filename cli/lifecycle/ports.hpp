#pragma once
// Finding out, before anything starts, whether the host ports a profile publishes are free.
#include <optional>
#include <string>
#include <vector>

#include "engine/engine_host.hpp"

namespace devenv {

class DockerApi;

struct PortConflict {
    int port = 0;
    std::string service;  // the profile's service that wants it
    std::string holder;   // "container other-db-1 (project other)", "process postgres (pid 123)", or ""
};

// Whether something already listens on (or holds) host TCP port `port`.
bool port_in_use(int port);
// The process that listens on `port`, from /proc, when it can be known.
std::optional<std::string> port_holder_process(int port);

// Whether host port `port` is taken where the engine publishes it. An engine on this machine:
// bound here (any address), held by a container of the engine's or a process. A remote engine
// (tcp://, ssh://, a devcontainer's host): published by one of the engine's running containers
// (asked through the API), or accepting connections at engine.host:port from here; this
// machine's own sockets say nothing about it. nullopt when free; else who holds it
// ("container NAME (Compose project P)", "process N (pid P)", "something at HOST:PORT"; may be "").
std::optional<std::string> port_taken(DockerApi& api, const EngineTarget& engine, int port);

}  // namespace devenv

#pragma once
// Finding out, before anything starts, whether the host ports a profile publishes are free.
#include <optional>
#include <string>
#include <vector>

namespace devenv {

struct PortConflict {
    int port = 0;
    std::string service;  // the profile's service that wants it
    std::string holder;   // "container other-db-1 (project other)", "process postgres (pid 123)", or ""
};

// Whether something already listens on (or holds) host TCP port `port`.
bool port_in_use(int port);
// The process that listens on `port`, from /proc, when it can be known.
std::optional<std::string> port_holder_process(int port);

}  // namespace devenv

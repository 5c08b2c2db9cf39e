#pragma once
// Where a service answers on the host, and as whom: the one set of connection details its probe,
// its seeders and resets, and the loopback guard use. Resolved once, when the profile loads
// (profile/probe_decl.cpp), from the service's `probe:` block, its published ports and the
// profile's host. Profiles still write these fields under `probe:` (host, port, scheme, user,
// password, database, region): the language did not change, only the model.
#include <string>
#include <vector>

#include "profile/schema.hpp"

namespace devenv {

// Where the engine publishes ports, as devenv connects to them. One value for a whole load
// (LoadOptions::host, Profile::host), set there and nowhere else: from engine/engine_host.hpp's
// resolution (DEVENV_HOST, the tcp:// or ssh:// engine's host, a devcontainer's host) through
// lifecycle's engine_host_for_profiles(). This machine when nothing says otherwise.
inline constexpr const char* kThisMachine = "127.0.0.1";

struct Endpoint {
    std::string host = kThisMachine;   // `probe.host`, else the profile's host
    int port = 0;                      // host (published) port, after --port-offset; 0: none
    std::string scheme = "http";       // HTTP services
    std::string user;                  // PostgreSQL role, Redis ACL user
    std::string password;
    std::string database;              // PostgreSQL
    std::string region = "us-east-1";  // AWS emulators
};

// The name apps are given for the host (`${host}` in templates, so in exports): "localhost" for
// this machine, else the host itself.
std::string host_for_apps(const std::string& host);

// The endpoint's fields of a `probe:` block, in the order messages and suggestions use.
std::vector<Field> endpoint_fields();

// From a validated (merged, interpolated) `probe:` declaration, or null; `host` is the profile's
// host, `host_ports` the service's published ports (the first is the default port).
Endpoint endpoint_from_decl(const Value& decl, const std::vector<int>& host_ports, const std::string& host,
                            const std::string& path);

}  // namespace devenv

#pragma once
// Reading a service's `probe:` block into the model: its Endpoint and its ProbeSpec, checked
// against the probe kinds the loader was given (profile/language.hpp).
#include <string>
#include <vector>

#include "profile/endpoint.hpp"
#include "profile/language.hpp"
#include "profile/probe_spec.hpp"
#include "yaml/value.hpp"

namespace devenv {

struct ServiceProbe {
    Endpoint endpoint;
    ProbeSpec probe;
};

// From the service's (merged) declaration, or null. Without a `kind`: the container's own
// healthcheck when it has one, else a TCP connect to its first published port, else "none"
// (ready when running). `host` is the profile's host.
ServiceProbe probe_from_decl(const Value& decl, const Value& compose, const std::vector<int>& host_ports,
                             const std::string& host, const ProfileLanguage& language, const std::string& path);

}  // namespace devenv

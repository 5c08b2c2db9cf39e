#pragma once
#include <string>
#include <vector>

#include "profile/probe_spec.hpp"
#include "yaml/value.hpp"

namespace devenv {

// The probe of a service from its (merged) declaration. Without one: the container's own
// healthcheck when it has one, else a TCP connect to its first published port, else "none"
// (ready when running).
ProbeSpec probe_from_decl(const Value& decl, const Value& compose, const std::vector<int>& host_ports,
                          const std::string& path);

}  // namespace devenv

#pragma once
// What Compose would reject or misread in the services' Compose definitions, found before
// anything starts and reported at the offending node (file:line:col, key path, hint): published
// ports (syntax, range, protocol, the same host port twice), volume and bind-mount syntax,
// named volumes that are not declared, environment variable names.
#include "profile/model.hpp"

namespace devenv {

// Throws Error(profile) at the first problem. `port_offset` only words the hint of a host port
// that --port-offset pushed past 65535.
void check_compose_rules(const Profile& profile, int port_offset);

}  // namespace devenv

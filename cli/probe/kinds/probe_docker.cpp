// The docker probe: the container's own healthcheck reports healthy (without one: it runs).
#include <fmt/format.h>

#include "probe/kind.hpp"

namespace devenv {

namespace {

ProbeResult check(const ProbeCall& call) {
    const ContainerView& c = call.container;
    ProbeResult r;
    if (c.health.empty()) {
        r.ready = c.state == "running";
        r.detail = r.ready ? "running (no healthcheck)" : c.state;
    } else {
        r.ready = c.health == "healthy";
        r.detail = r.ready ? "healthy" : fmt::format("healthcheck {}{}", c.health, c.health_log.empty() ? "" : ": " + c.health_log);
    }
    return r;
}

}  // namespace

extern const ProbeKind docker_probe{
    .decl = {.name = "docker"},
    .check = check,
};

}  // namespace devenv

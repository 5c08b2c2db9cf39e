// The none probe: ready once the container runs.
#include "probe/kind.hpp"

namespace devenv {

namespace {

ProbeResult check(const ProbeCall& call) {
    const ContainerView& c = call.container;
    ProbeResult r;
    r.ready = c.state == "running";
    r.detail = r.ready ? "running" : (c.state.empty() ? "no container" : c.state);
    return r;
}

}  // namespace

extern const ProbeKind none_probe{
    .decl = {.name = "none"},
    .check = check,
};

}  // namespace devenv

#include "net/http.hpp"
#include "probe/probe.hpp"

namespace devenv {

// Defined here, where HttpClient is complete, so probe.hpp can keep it forward-declared.
ProbeContext::ProbeContext() = default;
ProbeContext::~ProbeContext() = default;

}  // namespace devenv

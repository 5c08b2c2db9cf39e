#pragma once
// Readiness probes, run from the host. One attempt per call; the wait loop (probe/wait) decides
// when to call again. Failures are data (ProbeResult), not exceptions.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "profile/probe_spec.hpp"

namespace devenv {

class HttpClient;

struct ProbeResult {
    bool ready = false;
    std::string detail;  // why not ("connection refused", "HTTP 503", "dynamodb: ...")
    std::chrono::microseconds latency{0};
    bool fatal = false;  // asking again cannot help (an init hook failed): the wait fails now
};

// Keeps what one service's probe reuses between attempts (HTTP connections).
struct ProbeContext {
    ProbeContext();
    ~ProbeContext();
    std::unique_ptr<HttpClient> http;
};

ProbeResult probe_tcp(const ProbeSpec& spec);
ProbeResult probe_http(const ProbeSpec& spec, ProbeContext& ctx);
ProbeResult probe_postgres(const ProbeSpec& spec);
ProbeResult probe_redis(const ProbeSpec& spec);
ProbeResult probe_kafka(const ProbeSpec& spec);
ProbeResult probe_aws(const ProbeSpec& spec, ProbeContext& ctx);

}  // namespace devenv

#pragma once
// Readiness probes, run from the host: what one attempt is given (ProbeCall) and gives back
// (ProbeResult). One attempt per call; the wait loop (probe/wait) decides when to call again.
// Failures are data, not exceptions. Each kind is one file in probe/kinds/; the table that lists
// them, and dispatches an attempt to its kind, is probe/kinds.cpp (probe/kinds.hpp).
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "profile/endpoint.hpp"
#include "profile/probe_spec.hpp"

namespace devenv {

class HttpClient;

struct ProbeResult {
    bool ready = false;
    std::string detail;  // why not ("connection refused", "HTTP 503", "dynamodb: ...")
    std::chrono::microseconds latency{0};
    bool fatal = false;  // asking again cannot help (an init hook failed): the wait fails now
};

// Times one attempt from its construction; calling it gives the attempt's result with its
// latency: `const ProbeStopwatch finish; ... return finish(false, "connection refused");`.
class ProbeStopwatch {
public:
    std::chrono::steady_clock::time_point start() const { return start_; }
    ProbeResult operator()(bool ready, std::string detail) const {
        ProbeResult r;
        r.ready = ready;
        r.detail = std::move(detail);
        r.latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_);
        return r;
    }

private:
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Keeps what one service's probe reuses between attempts (HTTP connections).
struct ProbeContext {
    ProbeContext();
    ~ProbeContext();
    std::unique_ptr<HttpClient> http;
    // More kept connections, for a probe that asks several things at once (aws: one per service).
    std::vector<std::unique_ptr<HttpClient>> more;
};

// The service's container as the engine last reported it.
struct ContainerView {
    bool exists = false;
    std::string state;        // running exited restarting created paused dead
    int exit_code = 0;
    int restart_count = 0;
    std::string health;       // "" (no healthcheck) starting healthy unhealthy
    std::string health_log;   // the last healthcheck output
};

// What the kinds that look inside the container (log, exec) ask of the engine; null: unavailable.
struct ProbeHooks {
    // Runs `argv` in the service's container; returns the exit code. For exec probes.
    std::function<int(const std::string& service, const std::vector<std::string>& argv)> exec;
    // The service's log so far. For log probes.
    std::function<std::string(const std::string& service)> logs;
};

// Everything one attempt may use.
struct ProbeCall {
    const std::string& service;
    const Endpoint& endpoint;
    const ProbeSpec& spec;
    ProbeContext& ctx;
    const ContainerView& container;
    const ProbeHooks& hooks;
};

// A TCP connect to the endpoint, given at most `budget` (and never more than 500 ms). The tcp
// probe; the kafka probe and seeder use it to see a stopped broker at once.
ProbeResult tcp_connect(const Endpoint& endpoint, std::chrono::milliseconds budget);

}  // namespace devenv

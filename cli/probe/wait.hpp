#pragma once
// The one wait loop: every service probed from the host in parallel, polling from ~50 ms and
// backing off to ~1 s, dependencies first, a deadline per service and overall, and a fast
// failure (~0.5 s) when a container exits or restarts. Engine access is injected so the loop
// can be tested without Docker. Each attempt goes to its kind through the table (probe/kinds.hpp).
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "probe/probe.hpp"
#include "profile/endpoint.hpp"

namespace devenv {

struct WaitService {
    std::string name;
    Endpoint endpoint;
    ProbeSpec probe;
    std::vector<std::string> depends_on;  // waited for before this one is probed
    // A job (a one-shot container): not probed; done when its container exits with code 0,
    // failed when it exits with another code or restarts.
    bool job = false;
};

struct WaitEvent {
    // still_probing: the service has not answered for kStillProbingAfter, then again about every
    // second while it does not; `detail` is the last attempt's error.
    enum class Kind { waiting, probing, still_probing, ready, failed };
    Kind kind;
    std::string service;
    std::string detail;
    std::chrono::microseconds elapsed{0};  // since the wait started
    int attempts = 0;
    bool job = false;                      // the service is a job (probing: running; ready: completed)
    std::chrono::microseconds probing{0};  // still_probing: since its probing began
};

// How long a service is probed without answering before the wait says so (still_probing).
inline constexpr std::chrono::seconds kStillProbingAfter{3};

// The probes' own hooks (exec, logs: probe/probe.hpp) and the loop's.
struct WaitHooks : ProbeHooks {
    // Current containers by service name (one Engine API call). Required.
    std::function<std::map<std::string, ContainerView>()> containers;
    // Last lines of the service's log, shown when it fails.
    std::function<std::vector<std::string>(const std::string& service, int lines)> log_tail;
    std::function<void(const WaitEvent&)> on_event;
    const std::atomic<bool>* interrupted = nullptr;
};

struct ServiceOutcome {
    std::string name;
    bool ready = false;
    std::string detail;                    // last probe detail, or why it failed
    std::chrono::microseconds ready_after{0};
    int attempts = 0;
    bool exited = false;                   // the container exited or restarts
    std::vector<std::string> log_tail;
    bool job = false;                      // ready means completed (exit code 0)
};

// One look at a job's container: ready when it exited with code 0 ("completed"), fatal when it
// exited with another code or restarts, else not yet (running, created, not there yet).
ProbeResult job_attempt(const ContainerView& c, int first_restarts);

struct WaitResult {
    bool ok = false;
    bool interrupted = false;
    std::vector<ServiceOutcome> services;  // in the order given
};

// `overall` caps every service's own timeout. Never throws for a service's failure: the
// result says what happened; the caller maps it to an error.
WaitResult wait_for_services(const std::vector<WaitService>& services, std::chrono::milliseconds overall,
                             const WaitHooks& hooks);

}  // namespace devenv

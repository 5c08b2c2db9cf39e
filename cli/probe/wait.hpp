#pragma once
// The one wait loop: every service probed from the host in parallel, polling from ~50 ms and
// backing off to ~1 s, dependencies first, a deadline per service and overall, and a fast
// failure (~0.5 s) when a container exits or restarts. Engine access is injected so the loop
// can be tested without Docker.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "probe/probe.hpp"

namespace devenv {

struct WaitService {
    std::string name;
    ProbeSpec probe;
    std::vector<std::string> depends_on;  // waited for before this one is probed
};

struct ContainerView {
    bool exists = false;
    std::string state;        // running exited restarting created paused dead
    int exit_code = 0;
    int restart_count = 0;
    std::string health;       // "" (no healthcheck) starting healthy unhealthy
    std::string health_log;   // the last healthcheck output
};

struct WaitEvent {
    enum class Kind { waiting, probing, ready, failed };
    Kind kind;
    std::string service;
    std::string detail;
    std::chrono::microseconds elapsed{0};  // since the wait started
    int attempts = 0;
};

struct WaitHooks {
    // Current containers by service name (one Engine API call). Required.
    std::function<std::map<std::string, ContainerView>()> containers;
    // Runs `argv` in the service's container; returns the exit code. For exec probes.
    std::function<int(const std::string& service, const std::vector<std::string>& argv)> exec;
    // The service's log so far. For log probes.
    std::function<std::string(const std::string& service)> logs;
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
};

struct WaitResult {
    bool ok = false;
    bool interrupted = false;
    std::vector<ServiceOutcome> services;  // in the order given
};

// `overall` caps every service's own timeout. Never throws for a service's failure: the
// result says what happened; the caller maps it to an error.
WaitResult wait_for_services(const std::vector<WaitService>& services, std::chrono::milliseconds overall,
                             const WaitHooks& hooks);

// One probe attempt of any kind (the kinds that need the engine use the hooks).
ProbeResult run_probe(const ProbeSpec& spec, const std::string& service, ProbeContext& ctx,
                      const ContainerView& container, const WaitHooks& hooks);

}  // namespace devenv

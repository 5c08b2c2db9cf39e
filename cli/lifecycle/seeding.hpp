#pragma once
// Seeding and soft reset of a running environment: which declarations apply, that every
// endpoint belongs to this machine and project, services in parallel, identifiers recorded in
// .devenv/state.json for `devenv env`.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lifecycle/environment.hpp"
#include "seed/seed.hpp"

namespace devenv {

struct SeedRunOptions {
    std::vector<std::string> services;    // empty: all
    std::optional<std::string> only_kind; // --only KIND
    bool force = false;                   // recreate what drifted
    bool allow_remote = false;            // seed endpoints that are not loopback
    std::function<void(const ResourceResult&)> on_result;
    const std::atomic<bool>* interrupted = nullptr;
};

struct ServiceSeedSummary {
    std::string service;
    int created = 0, updated = 0, unchanged = 0, drift = 0, removed = 0, failed = 0;
    int ran = 0;  // exec steps that ran (exit 0): not counted as changes
    std::chrono::microseconds took{0};
};

struct SeedRunResult {
    std::string command;  // "seed" or "reset"
    std::vector<ServiceSeedSummary> services;
    std::vector<ResourceResult> results;
    bool ok = true;
    std::chrono::microseconds took{0};
    // Exported identifiers this run gave new values (Cognito pool and client ids after a reset
    // that recreated them): apps that read them must export them again.
    std::vector<std::string> changed_exports;
};

// Applies the profile's seed. Throws Error(not_ready) when a service to seed has no running
// container, Error(seed) for a remote endpoint without allow_remote. Resource failures are in
// the result (ok = false), and what succeeded is recorded.
SeedRunResult seed_environment(Environment& env, const SeedRunOptions& opts);

// Soft reset: each service back to its seeded state with its template's reset strategy.
SeedRunResult reset_environment(Environment& env, const SeedRunOptions& opts);

// The seed declarations' fingerprint: `up` skips seeding an unchanged, already seeded
// environment.
std::string seed_fingerprint(const Profile& p);

// Indexes into `services` in the order seed and reset run them: each wave after the services its
// members depend on (depends_on), the members of one wave concurrently.
std::vector<std::vector<std::size_t>> dependency_waves(const std::vector<const Service*>& services);

// Exports recorded by seeding (user pool ids, queue URLs), from the state record.
std::vector<Export> seeded_exports(const Environment& env, const std::vector<std::string>& services);

}  // namespace devenv

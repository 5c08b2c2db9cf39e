#pragma once
// Showing seed and reset: one line per resource as it lands (verbose, or failures always), and
// a per-service summary: created, updated, unchanged, drift, failed and the time taken.
#include <string>

#include "lifecycle/seeding.hpp"
#include "ui/ui.hpp"

namespace devenv {

// A resource line for progress output ("  aws  sqs  queue orders  created").
std::string format_resource(const Ui& ui, const ResourceResult& r);
std::string format_seed_summary(const Ui& ui, const SeedRunResult& r);
// One document (`seed --json`, `reset --json`); indent < 0: one line with "event": "seed" (up --json).
std::string seed_json(const SeedRunResult& r, int indent = 2);

}  // namespace devenv

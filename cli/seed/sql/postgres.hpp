#pragma once
// The `postgres` seed kind's two halves share this: its seed (seed/sql/postgres.cpp, which holds
// the kind's row) and its reset from captured baselines (seed/sql/postgres_baseline.cpp).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "seed/seed.hpp"

namespace devenv {

class PgConn;

// Roles, then the declared databases whose name `include` accepts (created if missing, then
// their extensions and SQL).
void seed_postgres_roles(const SeedJob& job, SeedSink& sink, PgConn& admin);
void seed_postgres_databases(const SeedJob& job, SeedSink& sink, PgConn& admin,
                             const std::function<bool(const std::string&)>& include);
// The databases a postgres declaration names, in order.
std::vector<std::string> postgres_declared_databases(const SeedDecl& decl);
// What the reset baseline of database `db` depends on: its declaration and the text of its SQL
// files (sha256 hex); nullopt when the declaration names no such database or a file is unreadable.
std::optional<std::string> postgres_database_digest(const SeedDecl& decl, const std::string& db);

// After a complete seed: capture each database's baseline (once per declaration digest).
void after_seed_postgres(const ServiceSeedJob& job, SeedSink& sink);
// Back to the baselines.
void reset_postgres(const ServiceSeedJob& job, SeedSink& sink);

}  // namespace devenv

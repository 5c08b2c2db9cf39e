#pragma once
// Seeders and reset strategies for PostgreSQL, Redis, Kafka, Kafka Connect, Schema Registry,
// Vault and MongoDB.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "seed/seed.hpp"

namespace devenv {

class PgConn;

void seed_postgres(const SeedJob& job, SeedSink& sink);
void seed_redis(const SeedJob& job, SeedSink& sink);
void seed_kafka(const SeedJob& job, SeedSink& sink);
void seed_connect(const SeedJob& job, SeedSink& sink);
void seed_schema_registry(const SeedJob& job, SeedSink& sink);
void seed_vault(const SeedJob& job, SeedSink& sink);
void seed_mongodb(const SeedJob& job, SeedSink& sink);

// The parts of the PostgreSQL seeder its reset reuses: roles, then the declared databases whose
// name `include` accepts (created if missing, then their extensions and SQL).
void seed_postgres_roles(const SeedJob& job, SeedSink& sink, PgConn& admin);
void seed_postgres_databases(const SeedJob& job, SeedSink& sink, PgConn& admin,
                             const std::function<bool(const std::string&)>& include);
// The databases a postgres declaration names, in order.
std::vector<std::string> postgres_declared_databases(const SeedDecl& decl);
// What the reset baseline of database `db` depends on: its declaration and the text of its SQL
// files (sha256 hex); nullopt when the declaration names no such database or a file is unreadable.
std::optional<std::string> postgres_database_digest(const SeedDecl& decl, const std::string& db);

// Deletes what a declaration declares (connectors, subjects, secrets, databases), reporting each
// as removed; the resets then re-apply the declaration.
void unseed_connect(const SeedJob& job, SeedSink& sink);
void unseed_schema_registry(const SeedJob& job, SeedSink& sink);
void unseed_vault(const SeedJob& job, SeedSink& sink);
void unseed_mongodb(const SeedJob& job, SeedSink& sink);
// Kafka: deletes the declared topics and every other topic that is neither internal nor used by
// another service of the profile (Connect's storage topics), waiting until they are gone.
void unseed_kafka(const SeedJob& job, SeedSink& sink);

void after_seed_postgres(const ServiceSeedJob& job, SeedSink& sink);
void reset_postgres(const ServiceSeedJob& job, SeedSink& sink);
void reset_redis(const ServiceSeedJob& job, SeedSink& sink);
void reset_kafka(const ServiceSeedJob& job, SeedSink& sink);
void reset_connect(const ServiceSeedJob& job, SeedSink& sink);
void reset_schema_registry(const ServiceSeedJob& job, SeedSink& sink);
void reset_vault(const ServiceSeedJob& job, SeedSink& sink);
void reset_mongodb(const ServiceSeedJob& job, SeedSink& sink);

}  // namespace devenv

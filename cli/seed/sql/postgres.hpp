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
// A copy step's file counts by its digest (seed/file_digest.hpp; `target` lends the state's).
std::optional<std::string> postgres_database_digest(const SeedDecl& decl, const std::string& db,
                                                    const SeedTarget* target = nullptr);

// A `copy` step ({copy: {table, file, format, header, columns, delimiter, null_text}}): the table's
// rows replaced by the file's, streamed through COPY ... FROM STDIN in one transaction
// (seed/sql/postgres_copy.cpp). `rows` copied, or the error (the server's, with its SQLSTATE
// and the line of the data it stopped at, and where the step is declared).
struct CopyOutcome {
    std::optional<std::string> error;
    long long rows = 0;
};
CopyOutcome run_copy_step(const SeedJob& job, PgConn& conn, const Value& copy);
// The COPY statement a step runs.
std::string copy_statement(PgConn& conn, const Value& copy);

// After a complete seed: capture each database's baseline (once per declaration digest).
void after_seed_postgres(const ServiceSeedJob& job, SeedSink& sink);
// Back to the baselines.
void reset_postgres(const ServiceSeedJob& job, SeedSink& sink);

}  // namespace devenv

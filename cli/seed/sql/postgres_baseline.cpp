// The soft reset of a PostgreSQL service, against the running container: each seeded database
// recreated from the baseline captured right after the first seed of its declaration (CREATE
// DATABASE db TEMPLATE db__devenv_seed), roles re-applied; a database with no baseline of the
// current declaration is dropped and seeded again (its SQL re-run), and its baseline captured then.
#include <chrono>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "seed/data_support.hpp"
#include "seed/sql/postgres.hpp"

namespace devenv {

namespace {

void report_service(SeedSink& sink, const ServiceSeedJob& job, std::string_view kind, std::string resource,
                    Outcome outcome, std::string detail = {}) {
    sink.add({job.target.service->name, std::string(kind), std::move(resource), outcome, std::move(detail)});
}

// Applies the declarations of other kinds (exec) again, as a seed would.
void apply_other_decls(const ServiceSeedJob& job, SeedSink& sink, std::string_view kind) {
    ServiceSeedJob rest{job.target, {}, job.force};
    for (const SeedDecl* d : job.decls)
        if (d->kind != kind) rest.decls.push_back(d);
    apply_service_seed(rest, sink);
}

std::string template_name(const std::string& db) {
    // Identifiers are at most 63 bytes; keep the suffix whole.
    constexpr std::string_view suffix = "__devenv_seed";
    return db.substr(0, 63 - suffix.size()) + std::string(suffix);
}

bool database_exists(PgConn& admin, const std::string& name) {
    return !admin.query("SELECT 1 FROM pg_database WHERE datname = $1", {name}).empty();
}

std::optional<std::string> terminate_others(PgConn& admin, const std::string& db) {
    try {
        admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                    {db});
        return std::nullopt;
    } catch (const Error& e) {
        return e.message();
    }
}

std::optional<std::string> drop_database(PgConn& admin, const std::string& db) {
    // WITH (FORCE) (PostgreSQL 13+) ends the other sessions in the same step, so an application
    // reconnecting in between cannot make the drop fail.
    if (PQserverVersion(admin.raw()) >= 130000) return admin.exec("DROP DATABASE IF EXISTS " + admin.ident(db) + " WITH (FORCE)");
    if (auto err = terminate_others(admin, db)) return err;
    return admin.exec("DROP DATABASE IF EXISTS " + admin.ident(db));
}

// CREATE DATABASE ... TEMPLATE fails (55006) while anyone else is connected to the source;
// end those sessions and retry a few times in case an application reconnects.
std::optional<std::string> copy_database(PgConn& admin, const std::string& from, const std::string& to,
                                         const std::string& owner) {
    std::string sql = fmt::format("CREATE DATABASE {} TEMPLATE {}", admin.ident(to), admin.ident(from));
    if (!owner.empty()) sql += " OWNER " + admin.ident(owner);
    std::optional<std::string> err;
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (auto t = terminate_others(admin, from)) return t;
        err = admin.exec(sql);
        if (!err || !err->starts_with("55006")) return err;
        std::this_thread::sleep_for(std::chrono::milliseconds(50 * (attempt + 1)));
    }
    return err;
}

// DROP DATABASE takes 0.1-1 s here; renaming is instant. So a reset renames the used database
// out of the way, recreates it from the template, and drops the old one on a connection of its
// own while the reset goes on; it waits for that drop before it returns.
std::string trash_name(const std::string& db) { return db + "__devenv_old"; }

std::optional<std::string> set_aside(PgConn& admin, const std::string& db) {
    std::string trash = trash_name(db);
    if (database_exists(admin, trash))  // an earlier reset's drop has not finished: finish it
        if (auto err = drop_database(admin, trash)) return err;
    if (!database_exists(admin, db)) return std::nullopt;
    std::string sql = fmt::format("ALTER DATABASE {} RENAME TO {}", admin.ident(db), admin.ident(trash));
    std::optional<std::string> err;
    for (int attempt = 0; attempt < 5; ++attempt) {  // an application may reconnect in between
        if (auto t = terminate_others(admin, db)) return t;
        err = admin.exec(sql);
        if (!err || !err->starts_with("55006")) return err;
        std::this_thread::sleep_for(std::chrono::milliseconds(50 * (attempt + 1)));
    }
    return err;
}

// Starts DROP DATABASE on a connection of its own and returns it; finish_drops() waits for them.
// The reset goes on (other databases, other services) while the server drops the old copy.
std::unique_ptr<PgConn> drop_in_background(const Endpoint& probe, const std::string& db) {
    try {
        auto conn = pg_admin_connection(probe);
        std::string sql = "DROP DATABASE IF EXISTS " + conn->ident(db);
        if (PQsendQuery(conn->raw(), sql.c_str()) != 1) return nullptr;
        while (PQflush(conn->raw()) == 1) {
        }
        return conn;
    } catch (const Error&) {
        return nullptr;  // the next seed or reset drops it
    }
}

// Waits for the drops started above, so no set-aside database outlives the reset; one that
// fails is dropped by the next seed or reset.
void finish_drops(std::vector<std::unique_ptr<PgConn>>& drops) {
    for (auto& conn : drops) {
        if (!conn) continue;
        while (PGresult* r = PQgetResult(conn->raw())) PQclear(r);
    }
    drops.clear();
}

std::string owner_of(PgConn& admin, const std::string& db) {
    auto rows = admin.query("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", {db});
    return rows.empty() ? std::string() : rows[0][0];
}

// A baseline carries the digest of the declaration it was captured from as its comment, in the
// server itself: it stays right whatever happens to .devenv/state.json, and a seed that did not
// change never captures it again from a database the application has written to since.
std::string baseline_comment(const std::string& digest) { return "devenv seed baseline " + digest; }

std::string comment_of(PgConn& admin, const std::string& db) {
    auto rows = admin.query("SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = $1",
                            {db});
    return rows.empty() ? std::string() : rows[0][0];
}

// The template of `db` when it is the baseline of the declaration as it is now, else "".
std::string current_baseline(PgConn& admin, const SeedDecl& decl, const std::string& db, const SeedTarget& target) {
    auto digest = postgres_database_digest(decl, db, &target);
    std::string tmpl = template_name(db);
    if (!digest || comment_of(admin, tmpl) != baseline_comment(*digest)) return {};
    return tmpl;
}

// Captures the baselines of the declared databases. `fresh`: the databases were just seeded from
// nothing (a reset without a usable baseline), so whatever baseline exists is replaced. Otherwise
// a baseline of the same declaration is kept, a missing one is captured (the first seed on this
// cluster), and one of an older declaration is left unrecorded: the next reset drops the
// database and seeds it from nothing, since application rows cannot be told from seeded ones.
void capture_postgres_baselines(const ServiceSeedJob& job, SeedSink& sink, bool fresh) {
    auto decls = decls_of(job, "postgres");
    if (decls.empty()) return;
    auto admin = pg_admin_connection(job.target.service->endpoint);
    nlohmann::json templates = nlohmann::json::object();
    for (const SeedDecl* d : decls)
        for (const auto& db : postgres_declared_databases(*d)) {
            if (interrupted(job.target)) return;
            std::string tmpl = template_name(db);
            auto fail = [&](const std::string& why) {
                report_service(sink, job, "postgres", "template " + tmpl, Outcome::failed,
                               fmt::format("cannot capture {} for reset: {}", db, why));
            };
            // A database an earlier reset set aside and could not finish dropping.
            if (database_exists(*admin, trash_name(db)))
                if (auto err = drop_database(*admin, trash_name(db))) fail(*err);
            if (!database_exists(*admin, db)) continue;  // its creation failed and was reported
            auto digest = postgres_database_digest(*d, db, &job.target);
            if (!digest) continue;  // an unreadable SQL file, reported by the seed
            bool exists = database_exists(*admin, tmpl);
            if (exists && !fresh) {
                if (comment_of(*admin, tmpl) == baseline_comment(*digest)) templates[db] = tmpl;
                continue;
            }
            if (auto err = drop_database(*admin, tmpl)) {
                fail(*err);
                continue;
            }
            if (auto err = copy_database(*admin, db, tmpl, owner_of(*admin, db))) {
                fail(*err);
                continue;
            }
            // Nobody connects to the copy, so CREATE DATABASE ... TEMPLATE never waits on it.
            if (auto err = admin->exec("ALTER DATABASE " + admin->ident(tmpl) + " ALLOW_CONNECTIONS false")) {
                fail(*err);
                continue;
            }
            if (auto err = admin->exec("COMMENT ON DATABASE " + admin->ident(tmpl) + " IS " +
                                       admin->literal(baseline_comment(*digest)))) {
                fail(*err);
                continue;
            }
            templates[db] = tmpl;
        }
    sink.remember(job.target.service->name, "templates", templates);
}

}  // namespace

void after_seed_postgres(const ServiceSeedJob& job, SeedSink& sink) { capture_postgres_baselines(job, sink, false); }

void reset_postgres(const ServiceSeedJob& job, SeedSink& sink) {
    auto admin = pg_admin_connection(job.target.service->endpoint);
    std::vector<std::unique_ptr<PgConn>> drops;
    struct Finish {
        std::vector<std::unique_ptr<PgConn>>& d;
        ~Finish() { finish_drops(d); }
    } finish{drops};
    bool reseeded = false;
    for (const SeedDecl* d : decls_of(job, "postgres")) {
        SeedJob sj{job.target, d, false};
        seed_postgres_roles(sj, sink, *admin);
        std::set<std::string> again;
        for (const auto& db : postgres_declared_databases(*d)) {
            if (interrupted(job.target)) return;
            std::string resource = "database " + db;
            std::string tmpl = current_baseline(*admin, *d, db, job.target);
            std::string owner = owner_of(*admin, db);
            if (!tmpl.empty()) {
                if (auto err = set_aside(*admin, db)) {
                    report(sink, sj, resource, Outcome::failed, *err);
                    continue;
                }
                if (owner.empty()) owner = owner_of(*admin, tmpl);
                if (auto err = copy_database(*admin, tmpl, db, owner))
                    report(sink, sj, resource, Outcome::failed, fmt::format("recreating from {}: {}", tmpl, *err));
                else
                    report(sink, sj, resource, Outcome::updated, "recreated from the seeded template " + tmpl);
                drops.push_back(drop_in_background(job.target.service->endpoint, trash_name(db)));
                continue;
            }
            if (auto err = drop_database(*admin, db)) {
                report(sink, sj, resource, Outcome::failed, *err);
                continue;
            }
            report(sink, sj, resource, Outcome::removed, "dropped to seed again (no baseline of this seed)");
            again.insert(db);
        }
        if (!again.empty()) {
            reseeded = true;
            // SQL steps run again even where state.json says they ran: the database is new.
            SeedJob forced{job.target, d, true};
            seed_postgres_databases(forced, sink, *admin, [&](const std::string& db) { return again.count(db) > 0; });
        }
    }
    if (reseeded) {
        apply_other_decls(job, sink, "postgres");
        capture_postgres_baselines(job, sink, true);
    }
}

}  // namespace devenv

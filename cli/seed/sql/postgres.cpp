// The `postgres` seed kind (libpq): roles, then databases (created if missing, owner kept), then
// per database, concurrently, its extensions and its SQL steps in order. Roles are compared with
// the catalog (the password against its SCRAM verifier), so a second run reports them unchanged;
// SQL steps run (the profile makes them idempotent) and are reported as updated; a step whose
// text, and every step before it, already ran on this very cluster (same system identifier,
// recorded in .devenv/state.json) is unchanged and not run again, unless --force.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "seed/check.hpp"
#include "seed/data_support.hpp"
#include "seed/file_digest.hpp"
#include "seed/kind.hpp"
#include "seed/sql/postgres.hpp"
#include "state/state.hpp"
#include "util/digest.hpp"

namespace devenv {

namespace {

bool flag(const Value& v, std::string_view key, bool fallback) {
    const Value* f = v.find(key);
    return f ? f->text() == "true" : fallback;
}

void seed_role(const SeedJob& job, SeedSink& sink, PgConn& admin, const Value& role) {
    const std::string& name = role.find("name")->text();
    std::string resource = "role " + name;
    const Value* password = role.find("password");
    const Value* login = role.find("login");
    const Value* superuser = role.find("superuser");
    std::vector<std::vector<std::string>> rows;
    try {
        rows = admin.query("SELECT rolcanlogin, rolsuper, coalesce(rolpassword, '') FROM pg_authid WHERE rolname = $1",
                           {name});
    } catch (const Error&) {
        // Not a superuser: pg_roles hides the password.
        rows = admin.query("SELECT rolcanlogin, rolsuper, '' FROM pg_roles WHERE rolname = $1", {name});
    }
    auto attrs = [&](bool want_login, bool want_super) {
        std::string sql = fmt::format(" {} {}", want_login ? "LOGIN" : "NOLOGIN", want_super ? "SUPERUSER" : "NOSUPERUSER");
        if (password) sql += " PASSWORD " + admin.literal(admin.encrypted_password(name, password->text()));
        return sql;
    };
    if (rows.empty()) {
        // A role with no `login` can log in: declared roles are for applications and tools.
        auto err = admin.exec("CREATE ROLE " + admin.ident(name) + attrs(flag(role, "login", true), flag(role, "superuser", false)));
        if (err) return report(sink, job, resource, Outcome::failed, *err);
        return report(sink, job, resource, Outcome::created);
    }
    bool has_login = rows[0][0] == "t", has_super = rows[0][1] == "t";
    std::vector<std::string> diffs;
    if (login && (login->text() == "true") != has_login) diffs.push_back(fmt::format("login was {}", has_login));
    if (superuser && (superuser->text() == "true") != has_super)
        diffs.push_back(fmt::format("superuser was {}", has_super));
    bool password_differs = false;
    if (password) {
        auto same = pg_password_matches(rows[0][2], name, password->text());
        password_differs = !same.value_or(true);
        if (password_differs) diffs.push_back("password differed");
    }
    if (diffs.empty() && !job.force) return report(sink, job, resource, Outcome::unchanged);
    std::string sql = "ALTER ROLE " + admin.ident(name) + attrs(login ? login->text() == "true" : has_login,
                                                               superuser ? superuser->text() == "true" : has_super);
    if (auto err = admin.exec(sql)) return report(sink, job, resource, Outcome::failed, *err);
    if (diffs.empty()) return report(sink, job, resource, Outcome::updated, "re-applied (--force)");
    std::string detail;
    for (const auto& d : diffs) detail += (detail.empty() ? "" : ", ") + d;
    report(sink, job, resource, Outcome::drift, detail + "; updated");
}

// Creates the database if missing and keeps its owner; false when it does not exist afterwards.
bool seed_database(const SeedJob& job, SeedSink& sink, PgConn& admin, const Value& db) {
    const std::string& name = db.find("name")->text();
    std::string resource = "database " + name;
    const Value* owner = db.find("owner");
    auto rows = admin.query("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", {name});
    if (rows.empty()) {
        std::string sql = "CREATE DATABASE " + admin.ident(name);
        if (owner) sql += " OWNER " + admin.ident(owner->text());
        if (auto err = admin.exec(sql)) {
            report(sink, job, resource, Outcome::failed, *err);
            return false;
        }
        report(sink, job, resource, Outcome::created);
        return true;
    }
    if (owner && rows[0][0] != owner->text()) {
        auto err = admin.exec("ALTER DATABASE " + admin.ident(name) + " OWNER TO " + admin.ident(owner->text()));
        if (err) report(sink, job, resource, Outcome::failed, fmt::format("owner is {}, declared {}: {}", rows[0][0], owner->text(), *err));
        else report(sink, job, resource, Outcome::drift, fmt::format("owner was {}; changed to {}", rows[0][0], owner->text()));
        return true;
    }
    report(sink, job, resource, Outcome::unchanged);
    return true;
}

// A copy step is stamped like a SQL step (the cluster, and the digest of its declaration and of
// its file): unchanged, it is not run again, so a re-seed never re-copies an unchanged file. Run,
// it replaces the table's rows by the file's. False when it failed (later steps build on it).
bool seed_copy_step(const SeedJob& job, SeedSink& sink, PgConn& conn, const std::string& db, int n, const Value& copy,
                    const std::string& cluster, const nlohmann::json* ran, bool& all_same_so_far) {
    const Value& file = *copy.find("file");
    std::string resource = fmt::format("copy {}: {} from {}", db, copy.find("table")->text(), file.text());
    std::string digest;
    try {
        digest = seed_file_digest(*job.decl, file.text(), file, &job.target, &sink);
    } catch (const Error& e) {
        report(sink, job, resource, Outcome::failed, e.message());
        return false;
    }
    std::string key = fmt::format("sql:{}#{}", db, n);
    std::string stamp = cluster + ":" + sha256_hex(copy.to_ordered_json().dump() + "\n" + digest);
    if (all_same_so_far && ran && ran->contains(key) && (*ran)[key] == stamp) {
        sink.remember(job.decl->service, key, stamp);
        report(sink, job, resource, Outcome::unchanged, "copied before on this cluster");
        return true;
    }
    all_same_so_far = false;
    CopyOutcome r = run_copy_step(job, conn, copy);
    if (r.error) {
        report(sink, job, resource, Outcome::failed, *r.error);
        return false;
    }
    if (!cluster.empty()) sink.remember(job.decl->service, key, stamp);
    report(sink, job, resource, Outcome::updated, fmt::format("{} rows copied", r.rows));
    return true;
}

void seed_database_content(const SeedJob& job, SeedSink& sink, const Value& db) {
    const std::string& name = db.find("name")->text();
    const Value* extensions = db.find("extensions");
    const Value* sql = db.find("sql");
    if ((!extensions || extensions->items().empty()) && (!sql || sql->items().empty())) return;
    std::unique_ptr<PgConn> conn;
    try {
        conn = std::make_unique<PgConn>(job.target.service->endpoint, name);
    } catch (const Error& e) {
        return report(sink, job, "database " + name, Outcome::failed, e.message());
    }
    if (extensions) {
        std::vector<std::string> have;
        for (auto& row : conn->query("SELECT extname FROM pg_extension")) have.push_back(row[0]);
        for (const auto& ext : extensions->items()) {
            std::string resource = fmt::format("extension {}.{}", name, ext.text());
            if (std::find(have.begin(), have.end(), ext.text()) != have.end()) {
                report(sink, job, resource, Outcome::unchanged);
                continue;
            }
            // CASCADE: postgis_topology and friends bring what they need.
            if (auto err = conn->exec("CREATE EXTENSION IF NOT EXISTS " + conn->ident(ext.text()) + " CASCADE"))
                report(sink, job, resource, Outcome::failed, *err);
            else
                report(sink, job, resource, Outcome::created);
        }
    }
    if (!sql) return;
    // What ran before, on this cluster: a new volume (new system identifier) runs everything.
    std::string cluster;
    try {
        auto rows = conn->query("SELECT system_identifier::text FROM pg_control_system()");
        if (!rows.empty()) cluster = rows[0][0];
    } catch (const Error&) {
    }
    const nlohmann::json* ran = nullptr;
    if (job.target.state.contains("_reset") && job.target.state["_reset"].is_object())
        ran = &job.target.state["_reset"];
    bool all_same_so_far = !job.force && !cluster.empty();
    int n = 0;
    for (const auto& step : sql->items()) {
        ++n;
        if (interrupted(job.target)) return;
        if (const Value* copy = step.is_mapping() ? step.find("copy") : nullptr) {
            if (!seed_copy_step(job, sink, *conn, name, n, *copy, cluster, ran, all_same_so_far)) return;
            continue;
        }
        const Value* file = step.is_string() ? &step : step.find("file");
        const Value* text = step.is_string() ? nullptr : step.find("text");
        std::string resource = file ? fmt::format("sql {}: {}", name, file->text()) : fmt::format("sql {}: text #{}", name, n);
        std::string body;
        if (file) {
            auto content = read_file_or_report(job, sink, resource, file->text(), *file);
            if (!content) return;
            body = std::move(*content);
        } else if (text) {
            body = text->text();
        }
        std::string key = fmt::format("sql:{}#{}", name, n);
        std::string stamp = cluster + ":" + sha256_hex(body);
        if (all_same_so_far && ran && ran->contains(key) && (*ran)[key] == stamp) {
            sink.remember(job.decl->service, key, stamp);
            report(sink, job, resource, Outcome::unchanged, "ran before on this cluster");
            continue;
        }
        all_same_so_far = false;
        if (auto err = conn->exec(body)) {
            report(sink, job, resource, Outcome::failed, *err);
            return;  // later steps build on this one
        }
        if (!cluster.empty()) sink.remember(job.decl->service, key, stamp);
        report(sink, job, resource, Outcome::updated, "ran");
    }
}

}  // namespace

std::optional<std::string> postgres_database_digest(const SeedDecl& decl, const std::string& db,
                                                    const SeedTarget* target) {
    const Value* dbs = decl.spec.find("databases");
    if (!dbs) return std::nullopt;
    for (const auto& d : dbs->items()) {
        if (d.find("name")->text() != db) continue;
        std::string all = d.to_ordered_json().dump();
        if (const Value* sql = d.find("sql"))
            for (const auto& step : sql->items()) {
                if (const Value* copy = step.is_mapping() ? step.find("copy") : nullptr) {
                    try {
                        all += "\n" + seed_file_digest(decl, copy->find("file")->text(), *copy->find("file"), target);
                    } catch (const Error&) {
                        return std::nullopt;
                    }
                    continue;
                }
                const Value* file = step.is_string() ? &step : step.find("file");
                if (!file) continue;
                try {
                    all += "\n" + sha256_hex(read_seed_file(decl, file->text(), *file));
                } catch (const Error&) {
                    return std::nullopt;  // the seed reports the unreadable file
                }
            }
        return sha256_hex(all);
    }
    return std::nullopt;
}

std::vector<std::string> postgres_declared_databases(const SeedDecl& decl) {
    std::vector<std::string> out;
    if (const Value* dbs = decl.spec.find("databases"))
        for (const auto& db : dbs->items()) out.push_back(db.find("name")->text());
    return out;
}

void seed_postgres_roles(const SeedJob& job, SeedSink& sink, PgConn& admin) {
    if (const Value* roles = job.decl->spec.find("roles"))
        for (const auto& role : roles->items()) {
            if (interrupted(job.target)) return;
            try {
                seed_role(job, sink, admin, role);
            } catch (const Error& e) {
                report(sink, job, "role " + role.find("name")->text(), Outcome::failed, e.message());
            }
        }
}

void seed_postgres_databases(const SeedJob& job, SeedSink& sink, PgConn& admin,
                             const std::function<bool(const std::string&)>& include) {
    const Value* dbs = job.decl->spec.find("databases");
    if (!dbs) return;
    // CREATE DATABASE one at a time on the maintenance connection; then each database's own
    // extensions and SQL on its own connection, databases concurrently.
    std::vector<const Value*> ready;
    for (const auto& db : dbs->items()) {
        if (interrupted(job.target)) return;
        if (!include(db.find("name")->text())) continue;
        try {
            if (seed_database(job, sink, admin, db)) ready.push_back(&db);
        } catch (const Error& e) {
            report(sink, job, "database " + db.find("name")->text(), Outcome::failed, e.message());
        }
    }
    parallel_for(ready.size(), ParallelOptions{4, nullptr}, [&](std::size_t i) {
        try {
            seed_database_content(job, sink, *ready[i]);
        } catch (const Error& e) {
            report(sink, job, "database " + ready[i]->find("name")->text(), Outcome::failed, e.message());
        }
    });
}

namespace {

void seed_postgres(const SeedJob& job, SeedSink& sink) {
    auto admin = pg_admin_connection(job.target.service->endpoint);
    seed_postgres_roles(job, sink, *admin);
    seed_postgres_databases(job, sink, *admin, [](const std::string&) { return true; });
}

SchemaPtr postgres_schema() {
    using namespace schema;
    auto copy = object({req("table", string()), req("file", string()), opt("format", choice({"csv", "text"})),
                        opt("header", boolean()), opt("columns", list(string())), opt("delimiter", string()),
                        opt("null_text", string())});
    auto sql = one_of({string(), object({opt("file", string()), opt("text", string()), opt("copy", copy)})},
                      "a file path or a mapping with file, text or copy");
    return object({
        opt("roles", named_list({opt("password", string()), opt("login", boolean()), opt("superuser", boolean())})),
        opt("databases", named_list({opt("owner", string()), opt("extensions", list(string())), opt("sql", list(sql))})),
    });
}

// A step names one thing to run; a copy's file exists (it is checked here, at file:line:col,
// rather than half-way through a seed); its options fit its format.
void check_copy(const Value& copy, const std::string& path) {
    const Value* file = copy.find("file");
    std::string format = copy.has("format") ? copy.find("format")->text() : "csv";
    if (format != "csv" && copy.has("header"))
        throw error_at(copy.find("header")->mark(), join_path(path, "header"),
                       "header is a csv option (the text format has no header line)");
    if (const Value* d = copy.find("delimiter"); d && d->text().size() != 1)
        throw error_at(d->mark(), join_path(path, "delimiter"), "delimiter must be one character");
    if (const Value* cols = copy.find("columns"); cols && cols->items().empty())
        throw error_at(cols->mark(), join_path(path, "columns"), "columns, when given, names at least one column");
    if (const Value* t = copy.find("table"); t && (t->text().empty() || t->text().front() == '.' || t->text().back() == '.'))
        throw error_at(t->mark(), join_path(path, "table"), "table is a name or schema.name");
    const auto& src = file->mark().file;
    if (!src || src->base_dir.empty()) return;  // a built-in profile's file: embedded
    std::filesystem::path p(file->text());
    if (p.is_relative()) p = std::filesystem::path(src->base_dir) / p;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec))
        throw error_at(file->mark(), join_path(path, "file"),
                       fmt::format("copy file {} does not exist", p.lexically_normal().string()));
}

void postgres_files(const Value& block, std::vector<const Value*>& out) {
    if (const Value* dbs = block.find("databases"))
        for (const auto& db : dbs->items())
            if (const Value* sql = db.find("sql"))
                for (const auto& step : sql->items()) {
                    if (step.is_string()) out.push_back(&step);
                    else if (const Value* f = step.find("file")) out.push_back(f);
                    else if (const Value* c = step.find("copy")) out.push_back(c->find("file"));
                }
}

void check_postgres(const Value& block, const std::string& path, const SeedSiblings&) {
    const Value* dbs = block.find("databases");
    if (!dbs) return;
    for (std::size_t i = 0; i < dbs->items().size(); ++i) {
        const Value* sql = dbs->items()[i].find("sql");
        if (!sql) continue;
        std::string sp = join_path(index_path(join_path(path, "databases"), i), "sql");
        for (std::size_t j = 0; j < sql->items().size(); ++j) {
            const Value& step = sql->items()[j];
            if (!step.is_mapping()) continue;
            std::string stp = index_path(sp, j);
            int named = step.has("file") + step.has("text") + step.has("copy");
            if (named != 1)
                throw error_at(step.mark(), stp, named == 0 ? "a sql step needs file, text or copy"
                                                            : "a sql step has one of file, text or copy, not several");
            if (const Value* copy = step.find("copy")) check_copy(*copy, join_path(stp, "copy"));
        }
    }
}

}  // namespace

extern const SeedKind postgres_kind;
const SeedKind postgres_kind{
    .name = "postgres",
    .family = "sql",
    .summary = "roles, databases with owners, extensions, SQL steps (files or inline) and COPY of CSV/text files",
    .schema = postgres_schema,
    .check = check_postgres,
    .seed = seed_postgres,
    .reset_template = "postgres",
    .reset = reset_postgres,
    .after_seed = after_seed_postgres,
    .files = postgres_files,
};

}  // namespace devenv

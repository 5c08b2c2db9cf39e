// The `copy` step of a postgres database's `sql` list: a table's rows replaced by a file's, CSV
// or PostgreSQL's text format, in one transaction: TRUNCATE, then COPY ... FROM STDIN with the
// file streamed to the server in chunks (PQputCopyData), never held in memory whole.
#include <libpq-fe.h>

#include <cstdlib>

#include <fmt/format.h>

#include "seed/data_support.hpp"
#include "seed/sql/postgres.hpp"

namespace devenv {

namespace {

constexpr std::size_t kChunk = 256 * 1024;

// "sales.orders" -> "sales"."orders"; "orders" -> "orders".
std::string qualified(PgConn& conn, const std::string& table) {
    auto dot = table.find('.');
    if (dot == std::string::npos) return conn.ident(table);
    return conn.ident(table.substr(0, dot)) + "." + conn.ident(table.substr(dot + 1));
}

std::string located(const Value& at) {
    if (!at.mark().known()) return {};
    SourceLocation loc = at.mark().location();
    return fmt::format(" (declared at {}:{}:{})", loc.file, loc.line, loc.column);
}

}  // namespace

std::string copy_statement(PgConn& conn, const Value& copy) {
    std::string sql = "COPY " + qualified(conn, copy.find("table")->text());
    if (const Value* cols = copy.find("columns")) {
        std::string list;
        for (const auto& c : cols->items()) list += (list.empty() ? "" : ", ") + conn.ident(c.text());
        sql += " (" + list + ")";
    }
    std::string format = copy.has("format") ? copy.find("format")->text() : "csv";
    sql += " FROM STDIN WITH (FORMAT " + format;
    if (format == "csv" && copy.has("header")) sql += std::string(", HEADER ") + (copy.find("header")->text() == "true" ? "true" : "false");
    if (const Value* d = copy.find("delimiter")) sql += ", DELIMITER " + conn.literal(d->text());
    if (const Value* n = copy.find("null_text")) sql += ", NULL " + conn.literal(n->text());
    return sql + ")";
}

CopyOutcome run_copy_step(const SeedJob& job, PgConn& conn, const Value& copy) {
    CopyOutcome out;
    const Value& file = *copy.find("file");
    std::string table = copy.find("table")->text();
    std::unique_ptr<std::istream> in;
    try {
        in = open_seed_file(*job.decl, file.text(), file);
    } catch (const Error& e) {
        out.error = e.message() + located(file);
        return out;
    }
    std::string statement = copy_statement(conn, copy);
    if (auto err = conn.exec("BEGIN; TRUNCATE " + qualified(conn, table))) {
        conn.exec("ROLLBACK");
        out.error = fmt::format("TRUNCATE {}: {}{}", table, *err, located(*copy.find("table")));
        return out;
    }
    PGconn* raw = conn.raw();
    PgResult started(PQexec(raw, statement.c_str()));
    if (!started || PQresultStatus(started.get()) != PGRES_COPY_IN) {
        const char* state = started ? PQresultErrorField(started.get(), PG_DIAG_SQLSTATE) : nullptr;
        const char* msg = started ? PQresultErrorField(started.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
        out.error = fmt::format("COPY {}: {}{}{}", table, state ? std::string(state) + ": " : "",
                                msg ? msg : PQerrorMessage(raw), located(*copy.find("table")));
        conn.exec("ROLLBACK");
        return out;
    }
    std::string buf(kChunk, '\0');
    std::string read_error;
    while (*in) {
        if (interrupted(job.target)) {
            read_error = "interrupted";
            break;
        }
        in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
        auto n = in->gcount();
        if (n <= 0) break;
        if (PQputCopyData(raw, buf.data(), static_cast<int>(n)) != 1) break;  // the result says why
    }
    if (in->bad()) read_error = fmt::format("cannot read {}", file.text());
    PQputCopyEnd(raw, read_error.empty() ? nullptr : read_error.c_str());
    std::optional<std::string> copy_error;
    while (PGresult* r = PQgetResult(raw)) {
        PgResult res(r);
        if (PQresultStatus(r) == PGRES_COMMAND_OK) {
            out.rows = std::atoll(PQcmdTuples(r));
        } else if (!copy_error) {
            const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            const char* msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
            const char* context = PQresultErrorField(r, PG_DIAG_CONTEXT);
            copy_error = fmt::format("{}{}{}", state ? std::string(state) + ": " : "", msg ? msg : PQerrorMessage(raw),
                                     context ? fmt::format(" ({})", context) : "");
        }
    }
    if (copy_error) {
        conn.exec("ROLLBACK");
        out.error = fmt::format("COPY {} from {}: {}{}", table, file.text(), *copy_error, located(file));
        return out;
    }
    if (auto err = conn.exec("COMMIT")) out.error = fmt::format("COPY {}: COMMIT: {}", table, *err);
    return out;
}

}  // namespace devenv

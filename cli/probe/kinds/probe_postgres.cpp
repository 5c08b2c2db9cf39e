// The postgres probe: a login as the endpoint's user, then SELECT 1.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include "probe/kind.hpp"
#include "probe/short_detail.hpp"

namespace devenv {

namespace {

struct ConnDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};

void ignore_notice(void*, const char*) {}

// libpq 15 says `connection to server at "127.0.0.1", port 5432 failed: FATAL:  password
// authentication failed for user "app"`; the address is already in the status line, and the
// severity adds nothing, so keep what follows.
std::string pg_detail(std::string_view message) {
    auto line = short_detail(message);
    std::string_view rest = line;
    if (auto at = rest.find(" failed: "); rest.starts_with("connection to server") && at != rest.npos)
        rest.remove_prefix(at + 9);
    for (std::string_view severity : {"FATAL:", "ERROR:"}) {
        if (rest.starts_with(severity)) {
            rest.remove_prefix(severity.size());
            while (rest.starts_with(' ')) rest.remove_prefix(1);
        }
    }
    return short_detail(rest);
}

ProbeResult check(const ProbeCall& call) {
    const Endpoint& ep = call.endpoint;
    const ProbeStopwatch finish;

    // Keyword/value arrays, never a conninfo string: a password holding a quote or a space
    // cannot change the meaning of the other settings. expand_dbname=0 keeps a database name
    // with '=' in it a name.
    auto port = std::to_string(ep.port);
    std::vector<const char*> keys{"host", "port", "connect_timeout", "application_name",
                                  "gssencmode"};
    std::vector<const char*> values{ep.host.c_str(), port.c_str(), "2", "devenv-probe",
                                    // No container speaks GSSAPI; skip the round trip.
                                    "disable"};
    auto add = [&](const char* key, const std::string& value) {
        if (value.empty()) return;  // let libpq's defaults apply
        keys.push_back(key);
        values.push_back(value.c_str());
    };
    add("user", ep.user);
    add("password", ep.password);
    add("dbname", ep.database);
    keys.push_back(nullptr);
    values.push_back(nullptr);

    std::unique_ptr<PGconn, ConnDeleter> conn(PQconnectdbParams(keys.data(), values.data(), 0));
    if (!conn) return finish(false, "out of memory");
    if (PQstatus(conn.get()) != CONNECTION_OK) return finish(false, pg_detail(PQerrorMessage(conn.get())));
    // Notices would otherwise go to stderr; only ui/ writes to the terminal.
    PQsetNoticeProcessor(conn.get(), ignore_notice, nullptr);

    // A completed login is not enough on its own: the query proves a backend serves the database.
    std::unique_ptr<PGresult, ResultDeleter> res(PQexec(conn.get(), "SELECT 1"));
    if (!res || PQresultStatus(res.get()) != PGRES_TUPLES_OK)
        return finish(false, pg_detail(PQerrorMessage(conn.get())));
    return finish(true, "SELECT 1 answered");
}

}  // namespace

extern const ProbeKind postgres_probe{
    .decl = {.name = "postgres", .needs_port = true},
    .check = check,
};

}  // namespace devenv

#include "seed/data_support.hpp"

#include <sys/time.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <openssl/evp.h>

#include "probe/short_detail.hpp"
#include "probe/sigpipe_guard.hpp"
#include "util/digest.hpp"
#include "util/strings.hpp"

namespace devenv {

void report(SeedSink& sink, const SeedJob& job, std::string resource, Outcome outcome, std::string detail) {
    sink.add({job.decl->service, job.decl->kind, std::move(resource), outcome, std::move(detail)});
}

bool interrupted(const SeedTarget& t) { return t.interrupted && t.interrupted->load(); }

std::string param_text(const Service& s, std::string_view key, std::string fallback) {
    if (const Value* v = s.params.is_mapping() ? s.params.find(key) : nullptr)
        if (v->is_scalar() && !v->text().empty()) return v->text();
    return fallback;
}

std::string base_url(const Endpoint& p) {
    bool ipv6 = p.host.find(':') != std::string::npos && !p.host.starts_with('[');
    return ipv6 ? fmt::format("http://[{}]:{}", p.host, p.port) : fmt::format("http://{}:{}", p.host, p.port);
}

std::string http_failure(const HttpResponse& r) {
    if (!r.ok()) return short_detail(r.error);
    std::string msg;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object()) {
        // Connect and Schema Registry: {"error_code": 409, "message": ...}; Vault: {"errors": [...]}
        if (j.contains("message") && j["message"].is_string()) msg = j["message"].get<std::string>();
        else if (j.contains("errors") && j["errors"].is_array() && !j["errors"].empty())
            msg = j["errors"][0].is_string() ? j["errors"][0].get<std::string>() : j["errors"][0].dump();
        if (j.contains("error_code") && !msg.empty()) msg = fmt::format("{} {}", j["error_code"].dump(), msg);
    }
    if (msg.empty()) {
        // The server's own words, first line, not lower-cased.
        std::string_view body = trim(r.body);
        msg = std::string(trim(body.substr(0, body.find('\n'))));
    }
    if (msg.size() > 300) msg = msg.substr(0, 297) + "...";
    return msg.empty() ? fmt::format("HTTP {}", r.status) : fmt::format("HTTP {}: {}", r.status, msg);
}

std::optional<std::string> read_file_or_report(const SeedJob& job, SeedSink& sink, const std::string& resource,
                                               const std::string& path, const Value& at) {
    try {
        return read_seed_file(*job.decl, path, at);
    } catch (const Error& e) {
        std::string where;
        if (e.where()) where = fmt::format("{}:{}:{}: ", e.where()->file, e.where()->line, e.where()->column);
        report(sink, job, resource, Outcome::failed, where + e.message());
        return std::nullopt;
    }
}

// ---- PostgreSQL -------------------------------------------------------------------------

namespace {

void ignore_notice(void*, const char*) {}

std::string pg_error(const PGconn* conn, const PGresult* res) {
    const char* sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string state = sqlstate ? sqlstate : "";
    std::string text;
    if (res && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)) text = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (text.empty()) text = short_detail(PQerrorMessage(conn));
    return state.empty() ? text : fmt::format("{}: {}", state, text);
}

}  // namespace

void PgResultDeleter::operator()(pg_result* r) const { PQclear(r); }

PgConn::PgConn(const Endpoint& probe, const std::string& database) {
    auto port = std::to_string(probe.port);
    const std::string& db = database.empty() ? probe.database : database;
    std::vector<const char*> keys{"host", "port", "connect_timeout", "application_name", "gssencmode"};
    std::vector<const char*> values{probe.host.c_str(), port.c_str(), "5", "devenv-seed", "disable"};
    auto add = [&](const char* key, const std::string& value) {
        if (value.empty()) return;
        keys.push_back(key);
        values.push_back(value.c_str());
    };
    add("user", probe.user);
    add("password", probe.password);
    add("dbname", db);
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
        std::string why = conn_ ? short_detail(PQerrorMessage(conn_)) : "out of memory";
        if (auto at = why.find(" failed: "); why.starts_with("connection to server") && at != std::string::npos)
            why = why.substr(at + 9);
        PQfinish(conn_);
        conn_ = nullptr;
        throw Error(ErrorKind::seed, fmt::format("cannot connect to PostgreSQL at {}:{} (database {}): {}", probe.host,
                                                 probe.port, db, why));
    }
    PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
}

PgConn::~PgConn() { PQfinish(conn_); }

std::optional<std::string> PgConn::exec(const std::string& sql) {
    // Several statements in one simple query; every result must succeed.
    if (!PQsendQuery(conn_, sql.c_str())) return pg_error(conn_, nullptr);
    std::optional<std::string> err;
    while (PGresult* raw = PQgetResult(conn_)) {
        PgResult r(raw);
        auto st = PQresultStatus(raw);
        if (!err && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
            err = pg_error(conn_, raw);
    }
    return err;
}

std::vector<std::vector<std::string>> PgConn::query(const std::string& sql, const std::vector<std::string>& params) {
    std::vector<const char*> p;
    for (const auto& s : params) p.push_back(s.c_str());
    PgResult r(PQexecParams(conn_, sql.c_str(), static_cast<int>(p.size()), nullptr, p.data(), nullptr, nullptr, 0));
    if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK)
        throw Error(ErrorKind::seed, fmt::format("PostgreSQL query failed: {}", pg_error(conn_, r.get())));
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        auto& row = rows.emplace_back();
        for (int j = 0; j < PQnfields(r.get()); ++j) row.emplace_back(PQgetvalue(r.get(), i, j));
    }
    return rows;
}

std::string PgConn::ident(const std::string& name) const {
    char* q = PQescapeIdentifier(conn_, name.c_str(), name.size());
    if (!q) throw Error(ErrorKind::seed, fmt::format("cannot quote identifier '{}'", name));
    std::string out(q);
    PQfreemem(q);
    return out;
}

std::string PgConn::literal(const std::string& text) const {
    char* q = PQescapeLiteral(conn_, text.c_str(), text.size());
    if (!q) throw Error(ErrorKind::seed, "cannot quote a literal");
    std::string out(q);
    PQfreemem(q);
    return out;
}

std::string PgConn::encrypted_password(const std::string& user, const std::string& password) const {
    char* e = PQencryptPasswordConn(conn_, password.c_str(), user.c_str(), "scram-sha-256");
    if (!e) throw Error(ErrorKind::seed, fmt::format("cannot encrypt the password of role {}", user));
    std::string out(e);
    PQfreemem(e);
    return out;
}

std::unique_ptr<PgConn> pg_admin_connection(const Endpoint& probe) {
    try {
        return std::make_unique<PgConn>(probe, "postgres");
    } catch (const Error&) {
        return std::make_unique<PgConn>(probe, "");
    }
}

namespace {

std::string b64_decode(const std::string& in) {
    std::string out(in.size(), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    if (n < 0) return {};
    std::size_t pad = 0;
    for (auto it = in.rbegin(); it != in.rend() && *it == '='; ++it) ++pad;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

}  // namespace

std::optional<bool> pg_password_matches(const std::string& stored, const std::string& user, const std::string& password) {
    if (stored.empty()) return false;
    if (stored.starts_with("md5") && stored.size() == 35) {
        return stored.substr(3) == hex(md5(password + user));
    }
    // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
    if (!stored.starts_with("SCRAM-SHA-256$")) return std::nullopt;
    auto dollar2 = stored.find('$', 14);
    auto colon1 = stored.find(':', 14);
    auto colon2 = dollar2 == std::string::npos ? std::string::npos : stored.find(':', dollar2);
    if (dollar2 == std::string::npos || colon1 > dollar2 || colon2 == std::string::npos) return std::nullopt;
    int iterations = std::atoi(stored.substr(14, colon1 - 14).c_str());
    std::string salt = b64_decode(stored.substr(colon1 + 1, dollar2 - colon1 - 1));
    std::string stored_key = b64_decode(stored.substr(dollar2 + 1, colon2 - dollar2 - 1));
    if (iterations <= 0 || salt.empty() || stored_key.size() != 32) return std::nullopt;
    // ASCII passwords are their own SASLprep; others may be normalised differently by the server.
    if (std::any_of(password.begin(), password.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
        return std::nullopt;
    unsigned char salted[32];
    PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                      reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()), iterations,
                      EVP_sha256(), 32, salted);
    std::string client_key = hmac_sha256(std::string_view(reinterpret_cast<char*>(salted), 32), "Client Key");
    return sha256(client_key) == stored_key;
}

// ---- Redis ------------------------------------------------------------------------------

void RedisDeleter::operator()(redisContext* c) const { redisFree(c); }

RedisConn redis_connect(const Endpoint& probe) {
    SigpipeGuard no_sigpipe;
    timeval tv{5, 0};
    RedisConn c(redisConnectWithTimeout(probe.host.c_str(), probe.port, tv));
    auto where = fmt::format("Redis at {}:{}", probe.host, probe.port);
    if (!c) throw Error(ErrorKind::seed, fmt::format("cannot connect to {}: out of memory", where));
    if (c->err) throw Error(ErrorKind::seed, fmt::format("cannot connect to {}: {}", where, short_detail(c->errstr)));
    redisSetTimeout(c.get(), tv);
    if (!probe.password.empty()) {
        std::vector<std::vector<std::string>> auth{{"AUTH"}};
        if (!probe.user.empty()) auth[0].push_back(probe.user);
        auth[0].push_back(probe.password);
        auto r = redis_pipeline(*c, auth);
        if (r[0].error) throw Error(ErrorKind::seed, fmt::format("{} refused the password: {}", where, r[0].text));
    }
    return c;
}

namespace {

RedisReply flatten(const redisReply* r) {
    RedisReply out;
    switch (r->type) {
    case REDIS_REPLY_ERROR: out.error = true; [[fallthrough]];
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_STRING: out.text.assign(r->str ? r->str : "", r->str ? r->len : 0); break;
    case REDIS_REPLY_INTEGER: out.integer = r->integer; out.text = std::to_string(r->integer); break;
    case REDIS_REPLY_NIL: out.nil = true; break;
    case REDIS_REPLY_ARRAY:  // hiredis 0.14 speaks RESP2 only
        for (std::size_t i = 0; i < r->elements; ++i) {
            const redisReply* e = r->element[i];
            if (e->type == REDIS_REPLY_ERROR && !out.error) {
                out.error = true;  // inside EXEC: a command that failed at run time
                out.text.assign(e->str ? e->str : "", e->str ? e->len : 0);
            }
            if (e->type == REDIS_REPLY_INTEGER) out.items.push_back(std::to_string(e->integer));
            else out.items.emplace_back(e->str ? e->str : "", e->str ? e->len : 0);
            out.item_nil.push_back(e->type == REDIS_REPLY_NIL);
        }
        break;
    default: break;
    }
    return out;
}

}  // namespace

namespace {

void append_commands(redisContext& c, const std::vector<std::vector<std::string>>& commands) {
    std::vector<const char*> argv;  // reused: one command's arguments at a time
    std::vector<std::size_t> lens;
    for (const auto& cmd : commands) {
        argv.clear();
        lens.clear();
        for (const auto& a : cmd) {
            argv.push_back(a.data());
            lens.push_back(a.size());
        }
        if (redisAppendCommandArgv(&c, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK)
            throw Error(ErrorKind::seed, fmt::format("Redis: {}", short_detail(c.errstr)));
    }
}

Error connection_failed(const redisContext& c) {
    return Error(ErrorKind::seed,
                 fmt::format("Redis: {}", c.err == REDIS_ERR_EOF ? "connection closed by server" : short_detail(c.errstr)));
}

}  // namespace

std::vector<RedisReply> redis_receive(redisContext& c, std::size_t count) {
    SigpipeGuard no_sigpipe;
    std::vector<RedisReply> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        void* raw = nullptr;
        if (redisGetReply(&c, &raw) != REDIS_OK || !raw) throw connection_failed(c);
        out.push_back(flatten(static_cast<redisReply*>(raw)));
        freeReplyObject(raw);
    }
    return out;
}

void redis_send(redisContext& c, const std::vector<std::vector<std::string>>& commands) {
    SigpipeGuard no_sigpipe;
    append_commands(c, commands);
    // A blocking context: each call writes what the socket takes, until the buffer is out.
    int done = 0;
    while (!done)
        if (redisBufferWrite(&c, &done) != REDIS_OK) throw connection_failed(c);
}

std::vector<RedisReply> redis_pipeline(redisContext& c, const std::vector<std::vector<std::string>>& commands) {
    SigpipeGuard no_sigpipe;
    append_commands(c, commands);
    return redis_receive(c, commands.size());
}

}  // namespace devenv

namespace devenv {

HttpResponse http_call(HttpClient& http, const std::string& method, const std::string& url, const std::string& body,
                       Headers headers, std::string content_type) {
    HttpRequest req;
    req.method = method;
    req.url = url;
    req.headers = std::move(headers);
    req.headers.emplace_back("Accept", "application/json");
    if (!body.empty()) req.headers.emplace_back("Content-Type", std::move(content_type));
    req.body = body;
    req.timeout = std::chrono::milliseconds(30000);
    return http.send(req);
}

nlohmann::json string_map(const nlohmann::json& j) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it->is_string()) out[it.key()] = it->get<std::string>();
        else if (it->is_null()) out[it.key()] = "";
        else out[it.key()] = it->dump();
    }
    return out;
}

}  // namespace devenv

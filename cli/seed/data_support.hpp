#pragma once
// Helpers shared by the data-service seed kinds (seed/sql/, seed/kv/, seed/kafka/, seed/http/,
// seed/doc/) and their resets: reporting, template parameters, HTTP error text, and the
// PostgreSQL / Redis connections both the seeders and resets open. (Their bounded parallelism is
// util/parallel.hpp's pool.)
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/http.hpp"
#include "seed/seed.hpp"
#include "util/parallel.hpp"

struct pg_conn;
struct pg_result;
struct redisContext;

namespace devenv {

// Reports one resource of the job's declaration.
void report(SeedSink& sink, const SeedJob& job, std::string resource, Outcome outcome, std::string detail = {});
bool interrupted(const SeedTarget& t);

// A template parameter of the service as text; `fallback` when absent or empty.
std::string param_text(const Service& s, std::string_view key, std::string fallback = {});

// "http://host:port" of the endpoint (IPv6 hosts bracketed).
std::string base_url(const Endpoint& p);
// What a failed request says: "HTTP 409: <first line or JSON message of the body>" or the
// transport error.
std::string http_failure(const HttpResponse& r);

// A file named by a declaration, or nullopt after reporting `resource` failed with the reason.
std::optional<std::string> read_file_or_report(const SeedJob& job, SeedSink& sink, const std::string& resource,
                                               const std::string& path, const Value& at);

// ---- PostgreSQL -------------------------------------------------------------------------

struct PgResultDeleter {
    void operator()(pg_result* r) const;
};
using PgResult = std::unique_ptr<pg_result, PgResultDeleter>;

class PgConn {
public:
    // Connects as the endpoint's user to `database` ("" = the endpoint's database). Throws
    // Error(seed) naming the server when it cannot connect.
    PgConn(const Endpoint& probe, const std::string& database);
    ~PgConn();
    PgConn(const PgConn&) = delete;
    PgConn& operator=(const PgConn&) = delete;

    // Runs SQL (several statements allowed when no params). nullopt on success, else the
    // server's message with SQLSTATE: "42P01: relation \"x\" does not exist".
    std::optional<std::string> exec(const std::string& sql);
    // A query with text parameters; the rows as text (NULL -> ""). Throws Error(seed) on failure.
    std::vector<std::vector<std::string>> query(const std::string& sql, const std::vector<std::string>& params = {});
    std::string ident(const std::string& name) const;    // "quoted identifier"
    std::string literal(const std::string& text) const;  // 'quoted literal'
    // The password as the server would store it (SCRAM-SHA-256), so it never appears in logs.
    std::string encrypted_password(const std::string& user, const std::string& password) const;
    pg_conn* raw() const { return conn_; }

private:
    pg_conn* conn_ = nullptr;
};

// The maintenance database devenv connects to for roles and CREATE/DROP DATABASE: "postgres",
// else the endpoint's database.
std::unique_ptr<PgConn> pg_admin_connection(const Endpoint& probe);

// Does `password` match the stored rolpassword (SCRAM-SHA-256 or md5)? nullopt when the stored
// form cannot be checked.
std::optional<bool> pg_password_matches(const std::string& stored, const std::string& user, const std::string& password);

// ---- Redis ------------------------------------------------------------------------------

struct RedisDeleter {
    void operator()(redisContext* c) const;
};
using RedisConn = std::unique_ptr<redisContext, RedisDeleter>;
// Connected and authenticated (the endpoint's password); throws Error(seed) when it cannot.
RedisConn redis_connect(const Endpoint& probe);

// One reply, flattened: status/string/error text, integer, or array of texts.
struct RedisReply {
    bool error = false;
    bool nil = false;
    long long integer = 0;
    std::string text;
    std::vector<std::string> items;
    std::vector<bool> item_nil;  // per item: a nil (MGET of a key that is missing or not a string)
};
// Sends every command pipelined and reads every reply in order. Throws Error(seed) when the
// connection fails.
std::vector<RedisReply> redis_pipeline(redisContext& c, const std::vector<std::vector<std::string>>& commands);
// The same in two halves: the commands written out now, their `count` replies read later (in
// order, before any other reply), so the caller can work while the server runs them.
void redis_send(redisContext& c, const std::vector<std::vector<std::string>>& commands);
std::vector<RedisReply> redis_receive(redisContext& c, std::size_t count);

}  // namespace devenv

namespace devenv {

// One JSON request: body sent as application/json (or content_type) when not empty.
HttpResponse http_call(HttpClient& http, const std::string& method, const std::string& url, const std::string& body = {},
                       Headers headers = {}, std::string content_type = "application/json");
// A declared mapping as the flat string map REST configs expect (scalars as written, others as JSON).
nlohmann::json string_map(const nlohmann::json& j);

}  // namespace devenv

// The redis seeder and reset against a real Redis 8 (DEVENV_TEST_REDIS, from
// scripts/unit-services.sh); results checked with redis-cli. Skipped (reported as such) without it.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "seed/kinds.hpp"
#include "test_seed_data_fixture.hpp"

using namespace devenv;
using namespace devenv::seed_data_test;

namespace {

const char* const kRedisEnv = "DEVENV_TEST_REDIS";
bool no_redis() { return !env(kRedisEnv); }

ServiceProbe redis_probe() {
    auto f = split(*env(kRedisEnv), ':');
    REQUIRE_MESSAGE(f.size() == 2, "DEVENV_TEST_REDIS must be host:port");
    ServiceProbe p;
    p.probe.kind = "redis";
    p.endpoint.host = f[0];
    p.endpoint.port = std::stoi(f[1]);
    return p;
}

std::string cli(int db, const std::string& args) {
    auto p = redis_probe();
    return shell(fmt::format("redis-cli -h {} -p {} -n {} {} 2>&1", p.endpoint.host, p.endpoint.port, db, args));
}

const char* const kKeys = R"(
db: 7
keys:
  - {key: "greeting", value: hello}
  - {key: "session:1", value: alice, ttl: 1h}
  - {key: "flags", type: hash, value: {beta: "on", limit: 10}}
  - {key: "jobs", type: list, value: [a, b, a]}
  - {key: "admins", type: set, value: [alice, bob]}
  - {key: "scores", type: zset, value: {alice: 10, bob: 7.5}}
)";

}  // namespace

TEST_SUITE("seed") {

TEST_CASE("seed redis: every type with TTL in the declared db; second run unchanged; drift rewritten" *
          doctest::skip(no_redis())) {
    Fixture f("redis", redis_probe());
    f.declare("redis", kKeys);
    cli(7, "FLUSHDB");

    auto t0 = std::chrono::steady_clock::now();
    auto first = f.seed();
    MESSAGE(fmt::format("redis seed (6 keys, two pipelined round trips): {:.2f} ms", ms_since(t0)));
    auto o = outcomes(first);
    for (auto k : {"greeting", "session:1", "flags", "jobs", "admins", "scores"}) CHECK(o[std::string("key ") + k] == "created");
    CHECK(cli(7, "GET greeting") == "hello");
    CHECK(cli(7, "HGET flags limit") == "10");
    CHECK(cli(7, "LRANGE jobs 0 -1") == "a\nb\na");
    CHECK(cli(7, "SCARD admins") == "2");
    CHECK(cli(7, "ZSCORE scores bob") == "7.5");
    int ttl = std::stoi(cli(7, "TTL session:1"));
    CHECK(ttl > 3500);
    CHECK(ttl <= 3600);
    CHECK(cli(7, "TTL greeting") == "-1");
    CHECK(cli(0, "EXISTS greeting") == "0");  // db 7 only

    auto second = f.seed();
    CHECK(count(second, Outcome::unchanged) == 6);

    // Drift: changed value, changed type, lost TTL, extra hash field.
    cli(7, "SET greeting bye");
    cli(7, "DEL jobs");
    cli(7, "SET jobs not-a-list");
    cli(7, "PERSIST session:1");
    cli(7, "HSET flags extra 1");
    auto third = f.seed();
    o = outcomes(third);
    CHECK(o["key greeting"] == "drift");
    CHECK(detail_of(third, "key greeting") == "value differed; rewritten");
    CHECK(detail_of(third, "key jobs") == "was a string; rewritten");
    CHECK(detail_of(third, "key session:1") == "had no TTL; rewritten");
    CHECK(o["key flags"] == "drift");
    CHECK(o["key admins"] == "unchanged");
    CHECK(cli(7, "GET greeting") == "hello");
    CHECK(cli(7, "LRANGE jobs 0 -1") == "a\nb\na");
    CHECK(cli(7, "HEXISTS flags extra") == "0");
    CHECK(std::stoi(cli(7, "TTL session:1")) > 3500);

    CHECK(count(f.seed(true), Outcome::updated) == 6);
}

TEST_CASE("seed redis: a database that does not exist fails every key with the server's message; no server throws" *
          doctest::skip(no_redis())) {
    Fixture f("redis", redis_probe());
    f.declare("redis", "db: 99\nkeys: [{key: a, value: b}]");
    auto sink = f.seed();
    CHECK(outcomes(sink)["key a"] == "failed");
    CHECK(detail_of(sink, "key a") == "SELECT 99: ERR DB index is out of range");

    // Nothing listening: the seeder throws (nothing more can be done), naming the server.
    ServiceProbe wrong = redis_probe();
    wrong.endpoint.port = 1;
    Fixture g("redis", wrong);
    g.declare("redis", "keys: [{key: a, value: b}]");
    SeedSink sink2;
    CHECK_THROWS_WITH_AS(find_seeder("redis")(SeedJob{g.target(), &g.decls.front(), false}, sink2),
                         doctest::Contains("cannot connect to Redis at 127.0.0.1:1"), Error);
}

TEST_CASE("reset redis: FLUSHDB of the declared db, then the seeded keys again" * doctest::skip(no_redis())) {
    Fixture f("redis", redis_probe());
    f.declare("redis", kKeys);
    cli(7, "FLUSHDB");
    cli(6, "SET other-db-key stays");
    REQUIRE_FALSE(f.seed().any_failed());
    const ResetStrategy* strategy = find_reset_strategy("redis");
    REQUIRE(strategy != nullptr);

    // The application adds keys, deletes and changes seeded ones.
    for (int i = 0; i < 100; ++i) cli(7, fmt::format("SET app:{} x", i));
    cli(7, "DEL greeting admins");
    cli(7, "RPUSH jobs c");
    REQUIRE(cli(7, "DBSIZE") == "104");

    SeedSink sink;
    auto t0 = std::chrono::steady_clock::now();
    strategy->reset(f.service_job(), sink);
    MESSAGE(fmt::format("redis soft reset (FLUSHDB + 6 keys): {:.2f} ms", ms_since(t0)));
    auto o = outcomes(sink);
    CHECK(o["db 7"] == "removed");
    CHECK(o["key greeting"] == "created");
    CHECK_FALSE(sink.any_failed());
    CHECK(cli(7, "DBSIZE") == "6");
    CHECK(cli(7, "GET greeting") == "hello");
    CHECK(cli(7, "LRANGE jobs 0 -1") == "a\nb\na");
    CHECK(cli(7, "SISMEMBER admins bob") == "1");
    CHECK(cli(6, "GET other-db-key") == "stays");
    cli(6, "DEL other-db-key");
    cli(7, "FLUSHDB");
}

TEST_CASE("seed redis: a key declared again a chunk later ends as declared last, whether the database was empty or not" *
          doctest::skip(no_redis())) {
    // Chunks of 2,000 keys are pipelined: a chunk's reads go out before the previous chunk's
    // writes, so a key both write is read stale and must be written again.
    std::string yaml = "db: 7\nkeys:\n";
    for (int i = 0; i < 4500; ++i) {
        if (i == 0) yaml += "  - {key: dup, value: first}\n";
        else if (i == 1) yaml += "  - {key: dl, type: list, value: [a]}\n";
        else if (i == 3000) yaml += "  - {key: dup, value: second}\n";
        else if (i == 3001) yaml += "  - {key: dl, type: list, value: [b, c]}\n";
        else yaml += fmt::format("  - {{key: 'k:{}', value: v{}}}\n", i, i);
    }
    Fixture f("redis", redis_probe());
    f.declare("redis", yaml);

    SUBCASE("into an empty database") {
        cli(7, "FLUSHDB");
        CHECK_FALSE(f.seed().any_failed());
    }
    SUBCASE("into a database that holds the later values already") {
        cli(7, "FLUSHDB");
        cli(7, "SET dup second");
        cli(7, "RPUSH dl b c");
        cli(7, "HSET k:10 f v");          // a declared string that is a hash now
        cli(7, "SET k:11 v11 EX 100");    // right value, a TTL it was not declared with
        cli(7, "SET k:12 v12");           // as declared
        auto sink = f.seed();
        CHECK_FALSE(sink.any_failed());
        CHECK(detail_of(sink, "key k:10") == "held another type than string; rewritten");
        CHECK(detail_of(sink, "key k:11") == "had a TTL; rewritten");
        CHECK(outcomes(sink)["key k:12"] == "unchanged");
        CHECK(outcomes(sink)["key k:13"] == "created");
        CHECK(cli(7, "GET k:10") == "v10");
        CHECK(cli(7, "TTL k:11") == "-1");
        std::vector<std::string> details;  // the key's two reports, one per declaration
        for (const auto& r : sink.results())
            if (r.resource == "key dup") details.push_back(r.detail);
        REQUIRE(details.size() == 2);
        CHECK(details[0] == "value differed; rewritten");
        CHECK(details[1] == "declared again; rewritten");
    }
    CHECK(cli(7, "GET dup") == "second");
    CHECK(cli(7, "LRANGE dl 0 -1") == "b\nc");
    CHECK(cli(7, "GET k:4499") == "v4499");
    CHECK(cli(7, "DBSIZE") == "4498");
    cli(7, "FLUSHDB");
}

}  // TEST_SUITE

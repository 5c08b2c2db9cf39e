// The postgres seeder and reset against a real PostgreSQL 17 + PostGIS (DEVENV_TEST_PG, from
// scripts/unit-services.sh); results checked with psql. Skipped (reported as such) without it.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "seed/kinds.hpp"
#include "test_seed_data_fixture.hpp"

using namespace devenv;
using namespace devenv::seed_data_test;

namespace {

const char* const kPgEnv = "DEVENV_TEST_PG";
bool no_pg() { return !env(kPgEnv); }

ServiceProbe pg_probe() {
    auto f = split(*env(kPgEnv), ':');
    REQUIRE_MESSAGE(f.size() == 5, "DEVENV_TEST_PG must be host:port:user:password:db");
    ServiceProbe p;
    p.probe.kind = "postgres";
    p.endpoint.host = f[0];
    p.endpoint.port = std::stoi(f[1]);
    p.endpoint.user = f[2];
    p.endpoint.password = f[3];
    p.endpoint.database = f[4];
    return p;
}

// psql as `user` (default: the probe's superuser) against `db`; unaligned, tuples only.
std::string psql(const std::string& db, const std::string& sql, const std::string& user = "",
                 const std::string& password = "") {
    auto p = pg_probe();
    return shell(fmt::format("PGPASSWORD='{}' psql -X -q -h {} -p {} -U {} -d {} -tAc \"{}\" 2>&1",
                             password.empty() ? p.endpoint.password : password, p.endpoint.host, p.endpoint.port, user.empty() ? p.endpoint.user : user, db,
                             sql));
}

struct PgNames {
    std::string sfx = unique_suffix();
    std::string db = "seedt_app_" + sfx;
    std::string role = "seedt_role_" + sfx;
    ~PgNames() {
        psql("postgres", fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", db));
        psql("postgres", fmt::format("DROP DATABASE IF EXISTS {}__devenv_seed", db));
        psql("postgres", fmt::format("DROP ROLE IF EXISTS {}", role));
    }
};

std::string app_seed(const PgNames& n) {
    return fmt::format(R"(
roles:
  - {{name: {role}, password: "pw-{role}", login: true, superuser: false}}
databases:
  - name: {db}
    owner: {role}
    extensions: [postgis, pgcrypto]
    sql:
      - {{text: "CREATE TABLE IF NOT EXISTS places (id bigserial PRIMARY KEY, name text, geom geometry(Point, 4326));"}}
      - {{file: seed/data.sql}}
      - seed/more.sql
)",
                       fmt::arg("role", n.role), fmt::arg("db", n.db));
}

void write_sql(Fixture& f) {
    f.write("seed/data.sql",
            "INSERT INTO places (id, name, geom) VALUES (1, 'origin', ST_SetSRID(ST_MakePoint(0, 0), 4326)), "
            "(2, 'one-two', ST_SetSRID(ST_MakePoint(1, 2), 4326)) ON CONFLICT DO NOTHING;\n");
    f.write("seed/more.sql", "INSERT INTO places (id, name) VALUES (3, 'no-geom') ON CONFLICT DO NOTHING;\n"
                             "SELECT setval('places_id_seq', 3);\n");
}

}  // namespace

TEST_SUITE("seed") {

TEST_CASE("seed postgres: roles, database, PostGIS, SQL in order; a second run leaves them unchanged" *
          doctest::skip(no_pg())) {
    PgNames n;
    Fixture f("postgres", pg_probe());
    write_sql(f);
    f.declare("postgres", app_seed(n));

    auto t0 = std::chrono::steady_clock::now();
    auto first = f.seed();
    MESSAGE(fmt::format("postgres seed (role, database, postgis + pgcrypto, 3 SQL steps): {:.1f} ms", ms_since(t0)));
    auto o = outcomes(first);
    CHECK(o["role " + n.role] == "created");
    CHECK(o["database " + n.db] == "created");
    CHECK(o["extension " + n.db + ".postgis"] == "created");
    CHECK(o["extension " + n.db + ".pgcrypto"] == "created");
    CHECK(o[fmt::format("sql {}: text #1", n.db)] == "updated");
    CHECK(o[fmt::format("sql {}: seed/data.sql", n.db)] == "updated");
    CHECK(o[fmt::format("sql {}: seed/more.sql", n.db)] == "updated");
    CHECK_FALSE(first.any_failed());

    // Independently: psql as the new role with its password, PostGIS answering, the rows there.
    CHECK(psql(n.db, "select ST_AsText(ST_MakePoint(1,2))", n.role, "pw-" + n.role) == "POINT(1 2)");
    CHECK(psql(n.db, "select string_agg(name, ',' order by id) from places") == "origin,one-two,no-geom");
    CHECK(psql("postgres", fmt::format("select pg_get_userbyid(datdba) from pg_database where datname = '{}'", n.db)) ==
          n.role);

    auto second = f.seed();
    o = outcomes(second);
    CHECK(o["role " + n.role] == "unchanged");
    CHECK(o["database " + n.db] == "unchanged");
    CHECK(o["extension " + n.db + ".postgis"] == "unchanged");
    CHECK(o[fmt::format("sql {}: seed/data.sql", n.db)] == "updated");  // SQL always runs
    CHECK(count(second, Outcome::created) == 0);
    CHECK(psql(n.db, "select count(*) from places") == "3");
}

TEST_CASE("seed postgres: drift in a role's password and login is reported and repaired" * doctest::skip(no_pg())) {
    PgNames n;
    Fixture f("postgres", pg_probe());
    write_sql(f);
    f.declare("postgres", app_seed(n));
    REQUIRE_FALSE(f.seed().any_failed());

    psql("postgres", fmt::format("ALTER ROLE {} NOLOGIN PASSWORD 'changed'", n.role));
    psql("postgres", fmt::format("ALTER DATABASE {} OWNER TO {}", n.db, pg_probe().endpoint.user));
    auto sink = f.seed();
    auto o = outcomes(sink);
    CHECK(o["role " + n.role] == "drift");
    CHECK(detail_of(sink, "role " + n.role) == "login was false, password differed; updated");
    CHECK(o["database " + n.db] == "drift");
    CHECK(detail_of(sink, "database " + n.db).find("owner was " + pg_probe().endpoint.user) == 0);
    CHECK(psql(n.db, "select 1", n.role, "pw-" + n.role) == "1");

    // --force re-applies what matches.
    o = outcomes(f.seed(true));
    CHECK(o["role " + n.role] == "updated");
}

TEST_CASE("seed postgres: SQL errors name the step and SQLSTATE; later steps of that database do not run" *
          doctest::skip(no_pg())) {
    PgNames n;
    Fixture f("postgres", pg_probe());
    f.declare("postgres", fmt::format(R"(
databases:
  - name: {db}
    sql:
      - {{text: "CREATE TABLE t (id int);"}}
      - {{text: "INSERT INTO missing_table VALUES (1);"}}
      - {{text: "CREATE TABLE never (id int);"}}
      - {{file: seed/absent.sql}}
  - name: {db}_x
    owner: no_such_role_{sfx}
)",
                                      fmt::arg("db", n.db), fmt::arg("sfx", n.sfx)));
    auto sink = f.seed();
    auto o = outcomes(sink);
    CHECK(o["database " + n.db] == "created");
    CHECK(o[fmt::format("sql {}: text #1", n.db)] == "updated");
    CHECK(o[fmt::format("sql {}: text #2", n.db)] == "failed");
    CHECK(detail_of(sink, fmt::format("sql {}: text #2", n.db)) == "42P01: relation \"missing_table\" does not exist");
    CHECK(o.count(fmt::format("sql {}: text #3", n.db)) == 0);
    CHECK(o["database " + n.db + "_x"] == "failed");
    CHECK(detail_of(sink, "database " + n.db + "_x") == fmt::format("42704: role \"no_such_role_{}\" does not exist", n.sfx));
    CHECK(sink.any_failed());
    CHECK(psql(n.db, "select count(*) from pg_tables where tablename = 'never'") == "0");

    // A missing seed file is reported at its declaration, the run goes on.
    f.declare("postgres", fmt::format("databases: [{{name: {}, sql: [seed/absent.sql]}}]", n.db));
    sink = f.seed();
    auto d = detail_of(sink, fmt::format("sql {}: seed/absent.sql", n.db));
    CHECK(d.find("devenv.yaml:1:") != std::string::npos);
    CHECK(d.find("cannot read seed file") != std::string::npos);
}

TEST_CASE("reset postgres: back to the seeded rows from the template; without one, drop and re-run the SQL" *
          doctest::skip(no_pg())) {
    PgNames n;
    Fixture f("postgres", pg_probe());
    write_sql(f);
    f.declare("postgres", app_seed(n));
    const ResetStrategy* strategy = find_reset_strategy("postgres");
    REQUIRE(strategy != nullptr);
    REQUIRE(static_cast<bool>(strategy->after_seed));

    REQUIRE_FALSE(f.seed().any_failed());
    SeedSink seeded;
    auto t0 = std::chrono::steady_clock::now();
    strategy->after_seed(f.service_job(), seeded);
    REQUIRE_FALSE(seeded.any_failed());
    MESSAGE(fmt::format("postgres after_seed (template capture of one PostGIS database): {:.1f} ms", ms_since(t0)));
    auto remembered = seeded.recorded()["svc"]["_reset"]["templates"];
    REQUIRE(remembered[n.db] == n.db + "__devenv_seed");
    f.state = seeded.recorded()["svc"];

    // The application writes: inserts, deletes, a new table, and holds a connection open.
    psql(n.db, "insert into places (name) values ('app-1'), ('app-2'); delete from places where id = 1; "
               "create table app_table (x int)");
    REQUIRE(psql(n.db, "select count(*) from places") == "4");
    auto holder = shell(fmt::format("(PGPASSWORD='{}' psql -X -h {} -p {} -U {} -d {} -c 'select pg_sleep(30)' >/dev/null 2>&1 &) ; echo started",
                                    pg_probe().endpoint.password, pg_probe().endpoint.host, pg_probe().endpoint.port, pg_probe().endpoint.user, n.db));

    SeedSink sink;
    t0 = std::chrono::steady_clock::now();
    strategy->reset(f.service_job(), sink);
    MESSAGE(fmt::format("postgres soft reset from template: {:.1f} ms", ms_since(t0)));
    auto o = outcomes(sink);
    CHECK(o["role " + n.role] == "unchanged");
    CHECK(o["database " + n.db] == "updated");
    CHECK(detail_of(sink, "database " + n.db).find("template") != std::string::npos);
    CHECK_FALSE(sink.any_failed());
    CHECK(psql(n.db, "select string_agg(name, ',' order by id) from places") == "origin,one-two,no-geom");
    CHECK(psql(n.db, "select count(*) from pg_tables where tablename = 'app_table'") == "0");
    CHECK(psql(n.db, "select ST_AsText(geom) from places where id = 2") == "POINT(1 2)");
    CHECK(psql("postgres", fmt::format("select pg_get_userbyid(datdba) from pg_database where datname = '{}'", n.db)) ==
          n.role);
    // The next seed sees nothing to do.
    CHECK(count(f.seed(), Outcome::created) == 0);

    // Roles are restored too.
    psql("postgres", fmt::format("ALTER ROLE {} PASSWORD 'app-changed-it'", n.role));
    SeedSink again;
    strategy->reset(f.service_job(), again);
    CHECK(outcomes(again)["role " + n.role] == "drift");
    CHECK(psql(n.db, "select 1", n.role, "pw-" + n.role) == "1");

    // No baseline of this declaration (dropped here; a changed seed is the other cause): drop and
    // seed again.
    psql(n.db, "delete from places");
    psql("postgres", fmt::format("DROP DATABASE {}__devenv_seed", n.db));
    f.state = nlohmann::json::object();
    SeedSink fallback;
    t0 = std::chrono::steady_clock::now();
    strategy->reset(f.service_job(), fallback);
    MESSAGE(fmt::format("postgres soft reset without a template (drop, create, extensions, SQL): {:.1f} ms", ms_since(t0)));
    o = outcomes(fallback);
    CHECK(o["database " + n.db] == "created");  // the last report: dropped, then created
    CHECK(o[fmt::format("sql {}: seed/more.sql", n.db)] == "updated");
    CHECK_FALSE(fallback.any_failed());
    CHECK(psql(n.db, "select count(*) from places") == "3");
    // ... and it captures a template for the next reset.
    CHECK(fallback.recorded()["svc"]["_reset"]["templates"][n.db] == n.db + "__devenv_seed");
}

TEST_CASE("reset postgres: the baseline is the seed's, whatever ran between (seed again after down/up, state lost)" *
          doctest::skip(no_pg())) {
    PgNames n;
    Fixture f("postgres", pg_probe());
    write_sql(f);
    f.declare("postgres", app_seed(n));
    const ResetStrategy* strategy = find_reset_strategy("postgres");
    REQUIRE(strategy != nullptr);
    auto seed_and_capture = [&] {
        SeedSink s;
        strategy->after_seed(f.service_job(), s);
        REQUIRE_FALSE(s.any_failed());
        f.state = s.recorded()["svc"];
    };
    REQUIRE_FALSE(f.seed().any_failed());
    seed_and_capture();
    // The application writes, then `devenv down` and `devenv up` seed again: nothing in the
    // seed changed, so the baseline must not be taken again from the application's data.
    psql(n.db, "insert into places (name) values ('app-row')");
    REQUIRE_FALSE(f.seed().any_failed());
    seed_and_capture();
    // A reset after .devenv/state.json was lost still finds the baseline in the server.
    for (int round = 0; round < 2; ++round) {
        f.state = nlohmann::json::object();
        SeedSink sink;
        strategy->reset(f.service_job(), sink);
        CHECK_FALSE(sink.any_failed());
        CHECK(psql(n.db, "select string_agg(name, ',' order by id) from places") == "origin,one-two,no-geom");
        psql(n.db, "insert into places (name) values ('app-row-again')");
    }
    // A leftover set-aside database is dropped by the next seed.
    psql("postgres", fmt::format("CREATE DATABASE {}__devenv_old", n.db));
    REQUIRE_FALSE(f.seed().any_failed());
    seed_and_capture();
    CHECK(psql("postgres", fmt::format("select count(*) from pg_database where datname = '{}__devenv_old'", n.db)) == "0");

    // A changed seed: its next seed does not take a baseline from the application's rows; the next
    // reset seeds from nothing and captures the new baseline.
    f.write("seed/more.sql", "INSERT INTO places (id, name) VALUES (3, 'changed') ON CONFLICT DO NOTHING;\n"
                             "SELECT setval('places_id_seq', 3);\n");
    REQUIRE_FALSE(f.seed().any_failed());
    seed_and_capture();
    CHECK_FALSE(f.state["_reset"]["templates"].contains(n.db));
    SeedSink sink;
    strategy->reset(f.service_job(), sink);
    CHECK_FALSE(sink.any_failed());
    CHECK(psql(n.db, "select string_agg(name, ',' order by id) from places") == "origin,one-two,changed");
    CHECK(sink.recorded()["svc"]["_reset"]["templates"][n.db] == n.db + "__devenv_seed");
    f.state = sink.recorded()["svc"];
    psql(n.db, "insert into places (name) values ('app-row-3')");
    SeedSink third;
    strategy->reset(f.service_job(), third);
    CHECK(psql(n.db, "select string_agg(name, ',' order by id) from places") == "origin,one-two,changed");
}

}  // TEST_SUITE

TEST_SUITE("seed") {

TEST_CASE("seed postgres copy: rows streamed in, skipped while unchanged, replaced when the file changes" *
          doctest::skip(no_pg())) {
    PgNames n;
    Fixture f("postgres", pg_probe());
    // More than one 256 KiB chunk, so the stream crosses PQputCopyData calls mid-row.
    std::string csv = "id,name\n";
    for (int i = 1; i <= 20000; ++i) csv += fmt::format("{},name number {}\n", i, i);
    f.write("data/t.csv", csv);
    f.write("data/t.txt", "1\tone\n2\t\\N\n");
    f.declare("postgres", fmt::format(R"Y(
databases:
  - name: {db}
    sql:
      - {{text: "CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, name text); CREATE TABLE IF NOT EXISTS u (id int, name text);"}}
      - copy: {{table: t, file: data/t.csv, header: true}}
      - copy: {{table: public.u, file: data/t.txt, format: text, columns: [id, name]}}
)Y", fmt::arg("db", n.db)));
    std::string t_step = fmt::format("copy {}: t from data/t.csv", n.db);
    std::string u_step = fmt::format("copy {}: public.u from data/t.txt", n.db);

    auto first = f.seed();
    auto o = outcomes(first);
    CHECK(o[t_step] == "updated");
    CHECK(detail_of(first, t_step) == "20000 rows copied");
    CHECK(detail_of(first, u_step) == "2 rows copied");
    CHECK(psql(n.db, "select count(*), max(id), sum(length(name)) from t") ==
          psql(n.db, "select 20000, 20000, sum(length('name number ' || g)) from generate_series(1, 20000) g"));
    CHECK(psql(n.db, "select count(*) from u where name is null") == "1");
    // The digest is remembered with the file's stamp, for the next run.
    nlohmann::json kept = first.recorded()["svc"]["_reset"];
    CHECK(kept.contains("digest:" + (f.dir / "data/t.csv").lexically_normal().string()));

    f.state = first.recorded()["svc"];
    auto second = f.seed();
    o = outcomes(second);
    CHECK(o[t_step] == "unchanged");
    CHECK(o[u_step] == "unchanged");
    CHECK(psql(n.db, "select count(*) from t") == "20000");

    f.write("data/t.csv", "id,name\n7,seven\n8,eight\n");
    f.state = second.recorded()["svc"];
    auto third = f.seed();
    CHECK(outcomes(third)[t_step] == "updated");
    CHECK(detail_of(third, t_step) == "2 rows copied");
    CHECK(psql(n.db, "select string_agg(name, ',' order by id) from t") == "seven,eight");
    // A step after a re-run step runs again too (it builds on what came before).
    CHECK(outcomes(third)[u_step] == "updated");
    CHECK(psql(n.db, "select count(*) from u") == "2");
}

TEST_CASE("seed postgres copy: a missing table or a bad row fails the step with the server's words; the table keeps its rows" *
          doctest::skip(no_pg())) {
    PgNames n;
    Fixture f("postgres", pg_probe());
    f.write("data/ok.csv", "1,a\n2,b\n");
    f.write("data/bad.csv", "3,c\nfour,d\n");
    f.declare("postgres", fmt::format(R"Y(
databases:
  - name: {db}
    sql:
      - {{text: "CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, name text)"}}
      - copy: {{table: t, file: data/ok.csv}}
)Y", fmt::arg("db", n.db)));
    CHECK_FALSE(f.seed().any_failed());
    f.declare("postgres", fmt::format(R"Y(
databases:
  - name: {db}
    sql:
      - copy: {{table: t, file: data/bad.csv}}
      - copy: {{table: nowhere, file: data/ok.csv}}
)Y", fmt::arg("db", n.db)));
    auto bad = f.seed();
    std::string step = fmt::format("copy {}: t from data/bad.csv", n.db);
    CHECK(outcomes(bad)[step] == "failed");
    std::string why = detail_of(bad, step);
    CHECK(why.find("22P02") != std::string::npos);
    CHECK(why.find("line 2") != std::string::npos);
    CHECK(why.find("declared at") != std::string::npos);
    CHECK(psql(n.db, "select string_agg(name, ',' order by id) from t") == "a,b");  // rolled back
    // Later steps do not run after a failed one.
    CHECK(outcomes(bad).count(fmt::format("copy {}: nowhere from data/ok.csv", n.db)) == 0);

    f.declare("postgres", fmt::format(R"Y(
databases:
  - name: {db}
    sql:
      - copy: {{table: nowhere, file: data/ok.csv}}
)Y", fmt::arg("db", n.db)));
    auto missing = f.seed();
    std::string m = detail_of(missing, fmt::format("copy {}: nowhere from data/ok.csv", n.db));
    CHECK(m.find("42P01") != std::string::npos);
    CHECK(m.find("\"nowhere\" does not exist") != std::string::npos);
    CHECK(m.find("declared at") != std::string::npos);
}

}

// kafka: librdkafka's built-in mock cluster (Debian's 2.0.2). It answers Metadata but, as its
// header says, not the topic admin APIs (CreateTopics, DeleteTopics, CreatePartitions,
// DescribeConfigs): topics are made with rd_kafka_mock_topic_create, and what the seeder sends
// the admin APIs is checked by the failure the mock returns. Creation, partition growth, config
// changes and the reset's deletions were NOT exercised against a broker.
// mongodb: the seeder's mongosh script run by node against a small in-memory stand-in for
// mongosh's `db` and `rs` (NOT a real MongoDB: no image can be pulled here).
#include <doctest/doctest.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <fmt/format.h>

#include "seed/kinds.hpp"
#include "test_seed_data_fixture.hpp"

using namespace devenv;
using namespace devenv::seed_data_test;

namespace {

void quiet(const rd_kafka_t*, int, const char*, const char*) {}

struct MockCluster {
    std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> rk{nullptr, rd_kafka_destroy};
    rd_kafka_mock_cluster_t* mcluster = nullptr;
    ProbeSpec probe;

    MockCluster() {
        char err[512];
        auto* conf = rd_kafka_conf_new();
        REQUIRE(rd_kafka_conf_set(conf, "test.mock.num.brokers", "1", err, sizeof err) == RD_KAFKA_CONF_OK);
        rd_kafka_conf_set_log_cb(conf, quiet);
        rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err));
        REQUIRE_MESSAGE(rk != nullptr, err);
        mcluster = rd_kafka_handle_mock_cluster(rk.get());
        std::string first = split(rd_kafka_mock_cluster_bootstraps(mcluster), ',').front();
        auto colon = first.rfind(':');
        probe.kind = "kafka";
        probe.timeout = std::chrono::milliseconds(1500);  // bounds each admin request
        probe.host = first.substr(0, colon);
        probe.port = std::stoi(first.substr(colon + 1));
    }
};

bool no_node() { return shell("command -v node >/dev/null 2>&1 && echo yes") != "yes"; }

// mongosh's db/rs as far as the seeder's script uses them, state kept in a JSON file.
const char* const kFakeMongosh = R"JS(
const fs = require("fs");
const STATE = process.env.FAKE_MONGO_STATE;
let st = fs.existsSync(STATE) ? JSON.parse(fs.readFileSync(STATE, "utf8")) : {rs: null, dbs: {}};
const save = () => fs.writeFileSync(STATE, JSON.stringify(st));
const fail = (codeName, message, code) => { const e = new Error(message); e.codeName = codeName; e.code = code; throw e; };
const print = (s) => console.log(s);
const sleep = () => {};
// FAKE_MONGO_NO_RS: a server without replica-set commands that names a set in hello, as FerretDB
// does (its answers: code 59 CommandNotFound, "no such command: 'replSetGetStatus'").
const noRs = !!process.env.FAKE_MONGO_NO_RS;
const rs = {
  status() {
    if (noRs) fail("CommandNotFound", "no such command: 'replSetGetStatus'", 59);
    if (!st.rs) fail("NotYetInitialized", "no replset config has been received", 94);
    return {set: st.rs._id, myState: 1};
  },
  initiate(cfg) { if (noRs) fail("CommandNotFound", "no such command: 'replSetInitiate'", 59); st.rs = cfg; save(); return {ok: 1}; },
};
const db = {
  hello() { return noRs ? {isWritablePrimary: true, setName: "rs0"} : {isWritablePrimary: !!st.rs}; },
  getSiblingDB(name) {
    return {
      getCollectionNames() { return Object.keys(st.dbs[name] || {}); },
      createCollection(c) { st.dbs[name] = st.dbs[name] || {}; st.dbs[name][c] = [{name: "_id_", key: {_id: 1}}]; save(); },
      dropDatabase() { delete st.dbs[name]; save(); return {ok: 1}; },
      getCollection(c) {
        return {
          getIndexes() { return st.dbs[name][c]; },
          createIndex(keys, opts) {
            const ix = st.dbs[name][c];
            if (ix.find((i) => i.name !== opts.name && JSON.stringify(i.key) === JSON.stringify(keys)))
              fail("IndexOptionsConflict", "Index already exists with a different name");
            ix.push(Object.assign({name: opts.name, key: keys}, opts.unique ? {unique: true} : {})); save();
          },
          dropIndex(n) { st.dbs[name][c] = st.dbs[name][c].filter((i) => i.name !== n); save(); },
        };
      },
    };
  },
};
)JS";

}  // namespace

TEST_SUITE("seed") {

TEST_CASE("seed kafka (librdkafka mock cluster): present topics unchanged, partition drift, admin API failures reported") {
    MockCluster mock;
    REQUIRE(rd_kafka_mock_topic_create(mock.mcluster, "orders", 3, 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
    REQUIRE(rd_kafka_mock_topic_create(mock.mcluster, "wide", 6, 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
    REQUIRE(rd_kafka_mock_topic_create(mock.mcluster, "narrow", 1, 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
    Fixture f("kafka", mock.probe);
    f.declare("kafka", R"(
topics:
  - {name: orders, partitions: 3, replication_factor: 1}
  - {name: wide, partitions: 2}
  - {name: narrow, partitions: 4}
  - {name: customers, partitions: 1, configs: {cleanup.policy: compact}}
)");
    auto t0 = std::chrono::steady_clock::now();
    auto run = f.seed();
    MESSAGE(fmt::format("kafka seed against the mock (metadata + CreateTopics + CreatePartitions): {:.1f} ms", ms_since(t0)));
    auto o = outcomes(run);
    CHECK(o["topic orders"] == "unchanged");
    CHECK(o["topic wide"] == "drift");
    CHECK(detail_of(run, "topic wide") == "has 6 partitions, declared 2; Kafka cannot remove partitions (--force recreates it)");
    // The mock has no CreateTopics/CreatePartitions: the seeder reports the client's own error per topic.
    CHECK(o["topic customers"] == "failed");
    CHECK(o["topic narrow"] == "failed");
    MESSAGE("mock's answer to CreateTopics: ", detail_of(run, "topic customers"));
    MESSAGE("mock's answer to CreatePartitions: ", detail_of(run, "topic narrow"));
    CHECK_FALSE(detail_of(run, "topic customers").empty());

    // Unreachable broker: the seeder throws (nothing can be done), naming the address.
    ProbeSpec closed = mock.probe;
    closed.port = 1;
    Fixture g("kafka", closed);
    g.declare("kafka", "topics: [{name: a}]");
    SeedSink sink;
    CHECK_THROWS_WITH_AS(find_seeder("kafka")(SeedJob{g.target(), &g.decls.front(), false}, sink),
                         "Kafka at 127.0.0.1:1: cannot list topics: connection refused", Error);
}

TEST_CASE("seed mongodb (mongosh script run by node on a fake db): replica set, collections, indexes; reset" *
          doctest::skip(no_node())) {
    Fixture f("mongodb", ProbeSpec{});
    f.write("fake-mongosh.js", kFakeMongosh);
    std::string state_file = (f.dir / "mongo-state.json").string();
    std::vector<std::vector<std::string>> seen;
    f.exec = [&](const std::vector<std::string>& argv) {
        seen.push_back(argv);
        ExecResult r;
        if (argv.size() != 5 || argv[0] != "mongosh" || argv[3] != "--eval") return r;
        f.write("run.js", std::string(kFakeMongosh) + argv[4]);
        r.out = shell(fmt::format("FAKE_MONGO_STATE='{}' node '{}' 2>&1; echo \"exit=$?\"", state_file,
                                  (f.dir / "run.js").string()));
        r.exit_code = r.out.ends_with("exit=0") ? 0 : 1;
        return r;
    };
    f.declare("mongodb", R"(
replica_set: rs0
databases:
  - name: queries
    collections:
      - name: orders
        indexes:
          - {name: by_customer, keys: {customerId: 1, createdAt: -1}}
          - {name: by_number, keys: {number: 1}, unique: true}
      - name: customers
)");
    auto first = f.seed();
    auto o = outcomes(first);
    CHECK(o["replica set rs0"] == "created");
    CHECK(o["collection queries.orders"] == "created");
    CHECK(o["collection queries.customers"] == "created");
    CHECK(o["index queries.orders.by_customer"] == "created");
    CHECK(o["index queries.orders.by_number"] == "created");
    CHECK_FALSE(first.any_failed());
    REQUIRE(seen.size() == 1);
    CHECK(seen[0][1] == "--quiet");
    // Compound key order survives (customerId before createdAt).
    CHECK(seen[0][4].find(R"({"customerId":1,"createdAt":-1})") != std::string::npos);
    auto st = nlohmann::json::parse(shell("cat '" + state_file + "'"));
    CHECK(st["rs"]["members"][0]["host"] == "svc:27017");

    auto second = f.seed();
    CHECK(count(second, Outcome::unchanged) == 5);

    // Drift: an index with other keys under the declared name.
    shell(fmt::format("sed -i 's/\"number\":1/\"number\":-1/' '{}'", state_file));
    auto drift = f.seed();
    CHECK(outcomes(drift)["index queries.orders.by_number"] == "drift");
    CHECK(detail_of(drift, "index queries.orders.by_number") == R"(is {"number":-1} unique; --force recreates it)");
    CHECK(outcomes(f.seed(true))["index queries.orders.by_number"] == "updated");

    // Reset: the declared databases dropped, then seeded again.
    SeedSink sink;
    find_reset_strategy("mongodb")->reset(f.service_job(), sink);
    auto reset = outcomes(sink);
    CHECK(reset["database queries"] == "removed");
    CHECK(reset["collection queries.orders"] == "created");
    CHECK(reset["replica set rs0"] == "unchanged");

    // A failing mongosh, and no container.
    f.exec = [](const std::vector<std::string>&) { return ExecResult{1, "", "MongoServerSelectionError: connect ECONNREFUSED 127.0.0.1:27017\n"}; };
    auto failed = f.seed();
    CHECK(detail_of(failed, "mongosh") == "exited with code 1: MongoServerSelectionError: connect ECONNREFUSED 127.0.0.1:27017");
    f.exec = nullptr;
    CHECK(detail_of(f.seed(), "mongosh") == "the service has no running container");
}

TEST_CASE("seed mongodb on a server without replica-set commands (FerretDB's answers, faked): collections seeded, set reported as drift" *
          doctest::skip(no_node())) {
    Fixture f("mongodb", ProbeSpec{});
    std::string state_file = (f.dir / "mongo-state.json").string();
    f.exec = [&](const std::vector<std::string>& argv) {
        ExecResult r;
        f.write("run.js", std::string(kFakeMongosh) + argv.back());
        r.out = shell(fmt::format("FAKE_MONGO_NO_RS=1 FAKE_MONGO_STATE='{}' node '{}' 2>&1; echo \"exit=$?\"", state_file,
                                  (f.dir / "run.js").string()));
        r.exit_code = r.out.ends_with("exit=0") ? 0 : 1;
        return r;
    };
    f.declare("mongodb", "{replica_set: rs0, databases: [{name: q, collections: [{name: c, indexes: [{keys: {a: 1}}]}]}]}");
    for (int run = 0; run < 2; ++run) {
        auto res = f.seed();
        auto o = outcomes(res);
        CHECK(o["replica set rs0"] == "drift");
        CHECK(detail_of(res, "replica set rs0") ==
              "the server implements no replica-set commands (CommandNotFound: no such command: 'replSetGetStatus'); "
              "it reports set rs0 in hello: change streams, transactions and rs.initiate are unavailable");
        CHECK(o["collection q.c"] == (run == 0 ? "created" : "unchanged"));
        CHECK(o["index q.c.a_1"] == (run == 0 ? "created" : "unchanged"));
        CHECK_FALSE(res.any_failed());
    }
}

}  // TEST_SUITE

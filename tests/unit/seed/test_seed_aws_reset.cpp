// Soft resets against a real moto: the moto strategy (POST /moto-api/reset, seed again) and the
// LocalStack strategy (delete everything of every kind, seed again), which uses only the AWS APIs
// and so runs against moto too. Both must leave exactly the seeded state. Also the timing of the
// issue's 69-call example set (12 tables, 5 queues, 50 parameters, 2 buckets).
// These cases drop all of moto's state: every case here and elsewhere creates what it needs.
#include "test_seed_aws_fixture.hpp"

#include <chrono>
#include <set>

#include "aws/xml.hpp"
#include "seed/aws/emulators.hpp"

using namespace devenv;
using namespace devenv::test;
using nlohmann::json;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Seeded {
    AwsSeedFixture& fx;
    std::string s = unique_suffix();
    std::vector<const SeedDecl*> decls;

    explicit Seeded(AwsSeedFixture& f) : fx(f) {
        decls.push_back(&fx.decl("dynamodb", fmt::format(R"(
tables:
  - name: orders-{0}
    attributes: {{pk: S, sk: S}}
    hash_key: pk
    range_key: sk
    ttl: expiresAt
    items:
      - {{pk: a, sk: "1", v: 1}}
      - {{pk: a, sk: "2", v: 2}}
      - {{pk: b, sk: "1", v: 3}}
)", s)));
        decls.push_back(&fx.decl("sqs", fmt::format(R"(
queues:
  - name: jobs-dlq-{0}
  - name: jobs-{0}
    dead_letter: {{queue: jobs-dlq-{0}, max_receive_count: 3}}
)", s)));
        decls.push_back(&fx.decl("ssm", fmt::format("parameters: {{/r-{0}/a: one, /r-{0}/b: two}}\n", s)));
        decls.push_back(&fx.decl("s3", fmt::format("buckets: [{{name: files-{0}, versioning: true, objects: {{k.txt: hello}}}}]\n", s)));
        decls.push_back(&fx.decl("secretsmanager", fmt::format("secrets: [{{name: sec-{0}, value: {{a: 1}}}}]\n", s)));
        decls.push_back(&fx.decl("eventbridge", fmt::format(R"(
buses:
  - name: bus-{0}
    rules:
      - {{name: r1, pattern: {{source: [x]}}, targets: [{{queue: jobs-{0}}}]}}
)", s)));
    }

    ServiceSeedJob job() const { return ServiceSeedJob{fx.target(), decls, false}; }

    // What the application does between two test runs.
    void mutate() const {
        AwsClient c = fx.client();
        std::string t = "orders-" + s;
        REQUIRE((c.call_json("dynamodb", "PutItem", {{"TableName", t}, {"Item", {{"pk", {{"S", "app"}}}, {"sk", {{"S", "9"}}}}}}).ok()));
        REQUIRE((c.call_json("dynamodb", "DeleteItem", {{"TableName", t}, {"Key", {{"pk", {{"S", "a"}}}, {"sk", {{"S", "2"}}}}}}).ok()));
        REQUIRE((c.call_json("dynamodb", "UpdateItem",
                            {{"TableName", t}, {"Key", {{"pk", {{"S", "b"}}}, {"sk", {{"S", "1"}}}}},
                             {"UpdateExpression", "SET v = :v"}, {"ExpressionAttributeValues", {{":v", {{"N", "99"}}}}}})
                    .ok()));
        REQUIRE((c.call_json("dynamodb", "CreateTable",
                            {{"TableName", "app-table-" + s}, {"BillingMode", "PAY_PER_REQUEST"},
                             {"AttributeDefinitions", json::array({{{"AttributeName", "id"}, {"AttributeType", "S"}}})},
                             {"KeySchema", json::array({{{"AttributeName", "id"}, {"KeyType", "HASH"}}})}})
                    .ok()));
        REQUIRE((c.call_json("sqs", "CreateQueue", {{"QueueName", "app-queue-" + s}}).ok()));
        std::string url = c.call_json("sqs", "GetQueueUrl", {{"QueueName", "jobs-" + s}}).json()["QueueUrl"];
        REQUIRE((c.call_json("sqs", "SendMessage", {{"QueueUrl", url}, {"MessageBody", "left over"}}).ok()));
        REQUIRE((c.call_json("ssm", "PutParameter", {{"Name", "/r-" + s + "/a"}, {"Value", "changed"}, {"Type", "String"}, {"Overwrite", true}}).ok()));
        REQUIRE((c.call_json("ssm", "PutParameter", {{"Name", "/app-" + s}, {"Value", "x"}, {"Type", "String"}}).ok()));
        REQUIRE((c.s3("PUT", "files-" + s, "k.txt", {}, "overwritten").ok()));
        REQUIRE((c.s3("PUT", "files-" + s, "app-upload.bin", {}, "x").ok()));
        REQUIRE((c.s3("PUT", "app-bucket-" + s).ok()));
        REQUIRE((c.call_json("secretsmanager", "CreateSecret", {{"Name", "app-secret-" + s}, {"SecretString", "x"}}).ok()));
        REQUIRE((c.call_json("events", "PutRule", {{"Name", "app-rule"}, {"EventPattern", "{\"source\": [\"y\"]}"}}).ok()));
    }

    // Exactly the seeded state, read back independently.
    void check_seeded() const {
        AwsClient c = fx.client();
        json tables = c.call_json("dynamodb", "ListTables").json()["TableNames"];
        CHECK(tables == json::array({"orders-" + s}));
        json scan = c.call_json("dynamodb", "Scan", {{"TableName", "orders-" + s}}).json();
        CHECK(scan["Count"] == 3);
        std::set<std::string> rows;
        for (const auto& i : scan["Items"])
            rows.insert(i["pk"]["S"].get<std::string>() + i["sk"]["S"].get<std::string>() + "=" + i["v"]["N"].get<std::string>());
        CHECK(rows == std::set<std::string>{"a1=1", "a2=2", "b1=3"});

        json queues = c.call_json("sqs", "ListQueues").json().value("QueueUrls", json::array());
        CHECK(queues.size() == 2);
        std::string url = c.call_json("sqs", "GetQueueUrl", {{"QueueName", "jobs-" + s}}).json()["QueueUrl"];
        json attrs = c.call_json("sqs", "GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", json::array({"All"})}}).json()["Attributes"];
        CHECK(attrs["ApproximateNumberOfMessages"] == "0");
        CHECK(attrs.contains("RedrivePolicy"));

        json params = c.call_json("ssm", "DescribeParameters", {{"MaxResults", 50}}).json()["Parameters"];
        CHECK(params.size() == 2);
        CHECK(c.call_json("ssm", "GetParameter", {{"Name", "/r-" + s + "/a"}}).json()["Parameter"]["Value"] == "one");

        auto buckets = xml_values(c.s3("GET", "").body, "Name");
        CHECK(buckets == std::vector<std::string>{"files-" + s});
        auto keys = xml_values(c.s3("GET", "files-" + s, {}, "list-type=2").body, "Key");
        CHECK(keys == std::vector<std::string>{"k.txt"});
        CHECK(c.s3("GET", "files-" + s, "k.txt").body == "hello");

        json secrets = c.call_json("secretsmanager", "ListSecrets").json()["SecretList"];
        REQUIRE(secrets.size() == 1);
        CHECK(secrets[0]["Name"] == "sec-" + s);

        json default_rules = c.call_json("events", "ListRules").json().value("Rules", json::array());
        CHECK(default_rules.empty());
        json rules = c.call_json("events", "ListRules", {{"EventBusName", "bus-" + s}}).json()["Rules"];
        CHECK(rules.size() == 1);
        json targets = c.call_json("events", "ListTargetsByRule", {{"Rule", "r1"}, {"EventBusName", "bus-" + s}}).json()["Targets"];
        CHECK(targets.size() == 1);
    }
};

void moto_wipe(AwsSeedFixture& fx) {
    AwsClient c = fx.client();
    REQUIRE((c.call_rest("sts", "POST", "/moto-api/reset").ok()));
}

}  // namespace

TEST_SUITE("seed.aws.reset") {

SEED_AWS_CASE("moto reset: what the app added is gone, what it changed or deleted is back") {
    AwsSeedFixture fx("moto");
    moto_wipe(fx);
    Seeded seeded(fx);
    SeedSink first;
    apply_service_seed(seeded.job(), first);
    INFO(dump(first.results()));
    REQUIRE_FALSE(first.any_failed());
    seeded.mutate();

    const ResetStrategy* r = find_reset_strategy("moto");
    REQUIRE(r != nullptr);
    SeedSink sink;
    auto t0 = std::chrono::steady_clock::now();
    r->reset(seeded.job(), sink);
    double took = seconds_since(t0);
    INFO(dump(sink.results()));
    CHECK_FALSE(sink.any_failed());
    MESSAGE(fmt::format("moto soft reset (POST /moto-api/reset + re-seed of 6 kinds): {:.3f} s", took));
    seeded.check_seeded();
}

SEED_AWS_CASE("localstack reset strategy (run against moto): deletes everything of every kind, then seeds again") {
    AwsSeedFixture fx("localstack");
    moto_wipe(fx);
    Seeded seeded(fx);
    SeedSink first;
    apply_service_seed(seeded.job(), first);
    REQUIRE_FALSE(first.any_failed());
    // Also a user pool the app created: LocalStack Pro has Cognito, and it must go too.
    AwsClient c = fx.client();
    REQUIRE((c.call_json("cognito-idp", "CreateUserPool", {{"PoolName", "app-pool"}}).ok()));
    seeded.mutate();

    const ResetStrategy* r = find_reset_strategy("localstack");
    REQUIRE(r != nullptr);
    SeedSink sink;
    auto t0 = std::chrono::steady_clock::now();
    r->reset(seeded.job(), sink);
    double took = seconds_since(t0);
    auto rs = sink.results();
    INFO(dump(rs));
    CHECK_FALSE(sink.any_failed());
    CHECK(find_result(rs, "table app-table-" + seeded.s)->outcome == Outcome::removed);
    CHECK(find_result(rs, "user pool app-pool")->outcome == Outcome::removed);
    CHECK(find_result(rs, "queue app-queue-" + seeded.s)->outcome == Outcome::removed);
    MESSAGE(fmt::format("localstack-style soft reset against moto (delete all, re-seed): {:.3f} s", took));
    seeded.check_seeded();
    CHECK(c.call_json("cognito-idp", "ListUserPools", {{"MaxResults", 60}}).json()["UserPools"].empty());
}

SEED_AWS_CASE("the issue's 69-call example set: 12 tables, 5 queues, 50 parameters, 2 buckets") {
    AwsSeedFixture fx("moto");
    moto_wipe(fx);
    std::string s = unique_suffix();
    std::string tables = "tables:\n";
    for (int i = 0; i < 12; ++i)
        tables += fmt::format(
            "  - {{name: t{0}-{1}, attributes: {{pk: S, sk: S, g: S}}, hash_key: pk, range_key: sk, ttl: expiresAt,\n"
            "     gsis: [{{name: by-g, hash_key: g, projection: KEYS_ONLY}}]}}\n",
            i, s);
    std::string queues = fmt::format(
        "queues:\n  - {{name: q-dlq-{0}}}\n  - {{name: q1-{0}, dead_letter: {{queue: q-dlq-{0}}}}}\n"
        "  - {{name: q2-{0}, dead_letter: {{queue: q-dlq-{0}}}}}\n  - {{name: q3-{0}}}\n  - {{name: q4-{0}.fifo, fifo: true}}\n",
        s);
    std::string params = "parameters:\n";
    for (int i = 0; i < 50; ++i) params += fmt::format("  /bench-{}/p{}: value-{}\n", s, i, i);
    std::string buckets = fmt::format("buckets: [{{name: b1-{0}}}, {{name: b2-{0}}}]\n", s);
    std::vector<const SeedDecl*> decls{&fx.decl("dynamodb", tables), &fx.decl("sqs", queues), &fx.decl("ssm", params),
                                       &fx.decl("s3", buckets)};
    ServiceSeedJob job{fx.target(), decls, false};

    SeedSink sink;
    auto t0 = std::chrono::steady_clock::now();
    apply_service_seed(job, sink);
    double first = seconds_since(t0);
    auto rs = sink.results();
    INFO(dump(rs));
    CHECK_FALSE(sink.any_failed());
    CHECK(count(rs, Outcome::created) == 69);

    SeedSink again;
    t0 = std::chrono::steady_clock::now();
    apply_service_seed(job, again);
    double second = seconds_since(t0);
    CHECK(count(again.results(), Outcome::unchanged) == 69);

    SeedSink reset;
    t0 = std::chrono::steady_clock::now();
    find_reset_strategy("moto")->reset(job, reset);
    double moto_reset = seconds_since(t0);
    CHECK_FALSE(reset.any_failed());

    SeedSink reset2;
    t0 = std::chrono::steady_clock::now();
    find_reset_strategy("localstack")->reset(job, reset2);
    double ls_reset = seconds_since(t0);
    CHECK_FALSE(reset2.any_failed());
    CHECK(count(reset2.results(), Outcome::removed) == 69);

    MESSAGE(fmt::format("69 resources against moto: first seed {:.3f} s, second (all unchanged) {:.3f} s, "
                        "moto reset {:.3f} s, localstack-style reset {:.3f} s",
                        first, second, moto_reset, ls_reset));
}

}  // TEST_SUITE

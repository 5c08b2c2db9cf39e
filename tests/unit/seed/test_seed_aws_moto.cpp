// The AWS seeders against a real moto (DEVENV_TEST_AWS_ENDPOINT; skipped without it). Each case
// uses names with a random suffix, checks what it created with independent reads (the AWS CLI
// where it matters), runs the seed a second time (all unchanged), and provokes drift.
#include "test_seed_aws_fixture.hpp"

#include <filesystem>
#include <fstream>

#include "aws/xml.hpp"
#include "seed/aws/support.hpp"

using namespace devenv;
using namespace devenv::test;
using nlohmann::json;

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        path = std::filesystem::temp_directory_path() / ("devenv-seedaws-" + unique_suffix());
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    void write(const std::string& rel, const std::string& text) const {
        auto p = path / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
    }
};

}  // namespace

TEST_SUITE("seed.aws.moto") {

SEED_AWS_CASE("dynamodb: tables with GSI, LSI, TTL, stream, items inline and from JSON lines; rerun; drift") {
    AwsSeedFixture fx;
    TempDir dir;
    fx.base_dir = dir.path.string();
    std::string s = unique_suffix();
    dir.write("data/sessions.jsonl", "{\"id\": \"s-1\", \"user\": \"alice\", \"ttl\": 1}\n{\"id\": \"s-2\", \"user\": \"bob\"}\n");
    std::string orders = "orders-" + s, sessions = "sessions-" + s;
    const SeedDecl& d = fx.decl("dynamodb", fmt::format(R"(
tables:
  - name: {0}
    attributes: {{pk: S, sk: S, gsi1pk: S, gsi1sk: S}}
    hash_key: pk
    range_key: sk
    billing_mode: PAY_PER_REQUEST
    gsis:
      - {{name: gsi1, hash_key: gsi1pk, range_key: gsi1sk, projection: ALL}}
    lsis:
      - {{name: by-status, hash_key: pk, range_key: gsi1sk, projection: [total]}}
    ttl: expiresAt
    stream: NEW_AND_OLD_IMAGES
    items:
      - {{pk: "C#1", sk: "O#1", gsi1pk: "O#1", gsi1sk: PLACED, total: 42.5, tags: [a, b]}}
      - {{pk: "C#1", sk: "O#2", gsi1pk: "O#2", gsi1sk: PAID, total: 7, meta: {{gift: true, note: null}}}}
  - name: {1}
    attributes: {{id: S}}
    hash_key: id
    billing_mode: PROVISIONED
    throughput: {{read: 5, write: 5}}
    items_file: data/sessions.jsonl
)", orders, sessions));

    auto first = fx.seed(d);
    INFO(dump(first));
    CHECK(count(first, Outcome::failed) == 0);
    CHECK(find_result(first, "table " + orders)->outcome == Outcome::created);
    CHECK(find_result(first, "table " + sessions)->outcome == Outcome::created);
    CHECK(find_result(first, "items of " + orders + ": 2")->outcome == Outcome::created);
    CHECK(find_result(first, "items of " + sessions + ": 2")->outcome == Outcome::created);

    // Independent reads: the AWS CLI.
    json t = json::parse(fx.aws("dynamodb describe-table --table-name " + orders))["Table"];
    CHECK(t["TableStatus"] == "ACTIVE");
    CHECK(t["GlobalSecondaryIndexes"][0]["IndexName"] == "gsi1");
    CHECK(t["GlobalSecondaryIndexes"][0]["Projection"]["ProjectionType"] == "ALL");
    CHECK(t["LocalSecondaryIndexes"][0]["IndexName"] == "by-status");
    CHECK(t["LocalSecondaryIndexes"][0]["Projection"]["ProjectionType"] == "INCLUDE");
    CHECK(t["LocalSecondaryIndexes"][0]["Projection"]["NonKeyAttributes"][0] == "total");
    CHECK(t["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES");
    CHECK(t["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST");
    json ttl = json::parse(fx.aws("dynamodb describe-time-to-live --table-name " + orders));
    CHECK(ttl["TimeToLiveDescription"]["AttributeName"] == "expiresAt");
    CHECK(ttl["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED");
    json st = json::parse(fx.aws("dynamodb describe-table --table-name " + sessions))["Table"];
    CHECK(st["ProvisionedThroughput"]["ReadCapacityUnits"] == 5);
    json item = json::parse(fx.aws("dynamodb get-item --table-name " + orders +
                                   " --key '{\"pk\": {\"S\": \"C#1\"}, \"sk\": {\"S\": \"O#2\"}}'"))["Item"];
    CHECK(item["total"]["N"] == "7");
    CHECK(item["meta"]["M"]["gift"]["BOOL"] == true);
    CHECK(item["meta"]["M"]["note"]["NULL"] == true);
    json scan = json::parse(fx.aws("dynamodb scan --table-name " + sessions));
    CHECK(scan["Count"] == 2);

    auto second = fx.seed(d);
    INFO(dump(second));
    CHECK(count(second, Outcome::unchanged) == static_cast<int>(second.size()));
    CHECK(second.size() == 4);

    // The app changes one seeded item and deletes another: both come back, nothing else moves.
    AwsClient c = fx.client();
    REQUIRE((c.call_json("dynamodb", "PutItem",
                        {{"TableName", orders},
                         {"Item", {{"pk", {{"S", "C#1"}}}, {"sk", {{"S", "O#1"}}}, {"total", {{"N", "1"}}}}}})
                .ok()));
    REQUIRE((c.call_json("dynamodb", "DeleteItem", {{"TableName", sessions}, {"Key", {{"id", {{"S", "s-2"}}}}}}).ok()));
    auto third = fx.seed(d);
    INFO(dump(third));
    CHECK(find_result(third, "items of " + orders + ": 2")->outcome == Outcome::updated);
    CHECK(find_result(third, "items of " + orders + ": 2")->detail.find("1 of 2") != std::string::npos);
    CHECK(find_result(third, "items of " + sessions + ": 2")->outcome == Outcome::updated);
    CHECK(find_result(third, "table " + orders)->outcome == Outcome::unchanged);
    json back = json::parse(fx.aws("dynamodb get-item --table-name " + orders +
                                   " --key '{\"pk\": {\"S\": \"C#1\"}, \"sk\": {\"S\": \"O#1\"}}'"))["Item"];
    CHECK(back["total"]["N"] == "42.5");
    CHECK(back["gsi1sk"]["S"] == "PLACED");

    // Key drift: reported (items left alone) without force, recreated with it.
    const SeedDecl& changed = fx.decl("dynamodb", fmt::format(R"(
tables:
  - name: {0}
    attributes: {{id: S, at: N}}
    hash_key: id
    range_key: at
    items: [{{id: x, at: 1}}]
)", sessions));
    auto drift = fx.seed(changed);
    INFO(dump(drift));
    REQUIRE(drift.size() == 1);
    CHECK(drift[0].outcome == Outcome::drift);
    CHECK(drift[0].detail.find("keys are") != std::string::npos);
    auto forced = fx.seed(changed, true);
    INFO(dump(forced));
    CHECK(find_result(forced, "table " + sessions)->outcome == Outcome::updated);
    CHECK(find_result(forced, "items of " + sessions + ": 1")->outcome == Outcome::created);
    json ks = json::parse(fx.aws("dynamodb describe-table --table-name " + sessions))["Table"]["KeySchema"];
    CHECK(ks.size() == 2);
}

SEED_AWS_CASE("dynamodb: a 4xx is reported with the AWS error code and the declaration's place; the rest goes on") {
    AwsSeedFixture fx;
    std::string s = unique_suffix();
    const SeedDecl& d = fx.decl("dynamodb", fmt::format(R"(
tables:
  - name: typed-{0}
    attributes: {{id: S}}
    hash_key: id
    items: [{{id: 5}}]
  - name: good-{0}
    attributes: {{id: S}}
    hash_key: id
    items: [{{id: a}}]
)", s));
    auto rs = fx.seed(d);
    INFO(dump(rs));
    CHECK(find_result(rs, "table typed-" + s)->outcome == Outcome::created);
    const ResourceResult* bad = find_result(rs, "items of typed-" + s + ": 1");
    REQUIRE(bad != nullptr);
    CHECK(bad->outcome == Outcome::failed);
    CHECK(bad->detail.find("HTTP 400 ValidationException") != std::string::npos);
    CHECK(bad->detail.find("Type mismatch for key") != std::string::npos);
    CHECK(bad->detail.find("declared at test-dynamodb.yaml:3:") != std::string::npos);
    CHECK(find_result(rs, "table good-" + s)->outcome == Outcome::created);
    CHECK(find_result(rs, "items of good-" + s + ": 1")->outcome == Outcome::created);
}

SEED_AWS_CASE("sqs: DLQ first and wired by redrive policy, FIFO with tags, URLs recorded; rerun; drift updated") {
    AwsSeedFixture fx;
    std::string s = unique_suffix();
    const SeedDecl& d = fx.decl("sqs", fmt::format(R"(
queues:
  - name: orders-{0}
    attributes: {{VisibilityTimeout: 30, ReceiveMessageWaitTimeSeconds: 20}}
    dead_letter: {{queue: orders-dlq-{0}, max_receive_count: 5}}
  - name: orders-dlq-{0}
  - name: payments-{0}.fifo
    fifo: true
    attributes: {{ContentBasedDeduplication: true}}
    tags: {{team: payments}}
)", s));
    SeedSink sink;
    auto first = fx.seed(d, false, &sink);
    INFO(dump(first));
    CHECK(count(first, Outcome::created) == 3);
    // The dead-letter queue is declared after its user but created before it.
    auto position = [&](const std::string& resource) {
        for (std::size_t i = 0; i < first.size(); ++i)
            if (first[i].resource == resource) return i;
        return first.size();
    };
    CHECK(position("queue orders-dlq-" + s) < position("queue orders-" + s));

    json rec = sink.recorded()["aws"];
    std::string url = rec.value(aws_seed::env_name("SQS_QUEUE_URL_", "orders-" + s), "");
    REQUIRE_FALSE(url.empty());
    CHECK(rec.contains(aws_seed::env_name("SQS_QUEUE_URL_", "payments-" + s + ".fifo")));
    json attrs = json::parse(fx.aws("sqs get-queue-attributes --attribute-names All --queue-url " + url))["Attributes"];
    CHECK(attrs["VisibilityTimeout"] == "30");
    json redrive = json::parse(attrs["RedrivePolicy"].get<std::string>());
    CHECK(redrive["deadLetterTargetArn"].get<std::string>().ends_with(":orders-dlq-" + s));
    CHECK(redrive["maxReceiveCount"].dump().find('5') != std::string::npos);
    std::string fifo_url = rec[aws_seed::env_name("SQS_QUEUE_URL_", "payments-" + s + ".fifo")];
    json fattrs = json::parse(fx.aws("sqs get-queue-attributes --attribute-names All --queue-url " + fifo_url))["Attributes"];
    CHECK(fattrs["FifoQueue"] == "true");
    CHECK(fattrs["ContentBasedDeduplication"] == "true");
    CHECK(json::parse(fx.aws("sqs list-queue-tags --queue-url " + fifo_url))["Tags"]["team"] == "payments");

    auto second = fx.seed(d);
    INFO(dump(second));
    CHECK(count(second, Outcome::unchanged) == 3);

    AwsClient c = fx.client();
    REQUIRE((c.call_json("sqs", "SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"VisibilityTimeout", "99"}}}}).ok()));
    auto third = fx.seed(d);
    INFO(dump(third));
    const ResourceResult* q = find_result(third, "queue orders-" + s);
    CHECK(q->outcome == Outcome::updated);
    CHECK(q->detail.find("VisibilityTimeout was 99") != std::string::npos);
    attrs = json::parse(fx.aws("sqs get-queue-attributes --attribute-names VisibilityTimeout --queue-url " + url))["Attributes"];
    CHECK(attrs["VisibilityTimeout"] == "30");
}

SEED_AWS_CASE("sqs: an invalid name is reported with SQS's error code; the others go on") {
    AwsSeedFixture fx;
    std::string s = unique_suffix();
    const SeedDecl& d = fx.decl("sqs", fmt::format(R"(
queues:
  - name: bad!name-{0}
  - name: fine-{0}
)", s));
    auto rs = fx.seed(d);
    INFO(dump(rs));
    CHECK(find_result(rs, "queue bad!name-" + s)->outcome == Outcome::failed);
    CHECK(find_result(rs, "queue bad!name-" + s)->detail.find("HTTP 400 InvalidParameterValue") != std::string::npos);
    CHECK(find_result(rs, "queue fine-" + s)->outcome == Outcome::created);
}

SEED_AWS_CASE("ssm: String, StringList, SecureString, from a file too; rerun; overwrite on drift") {
    AwsSeedFixture fx;
    TempDir dir;
    fx.base_dir = dir.path.string();
    std::string s = unique_suffix();
    std::string p = "/acme-" + s + "/api";
    dir.write("params.yaml", fmt::format("{0}/from-file: file-value\n{0}/list-file: [x, y]\n", p));
    const SeedDecl& d = fx.decl("ssm", fmt::format(R"(
parameters:
  {0}/db/host: localhost
  {0}/origins: {{type: StringList, value: [a.test, b.test]}}
  {0}/jwt: {{type: SecureString, value: dev-secret, description: Signing key}}
files: [params.yaml]
)", p));
    auto first = fx.seed(d);
    INFO(dump(first));
    CHECK(count(first, Outcome::created) == 5);
    json jwt = json::parse(fx.aws("ssm get-parameter --with-decryption --name " + p + "/jwt"))["Parameter"];
    CHECK(jwt["Type"] == "SecureString");
    CHECK(jwt["Value"] == "dev-secret");
    json origins = json::parse(fx.aws("ssm get-parameter --name " + p + "/origins"))["Parameter"];
    CHECK(origins["Type"] == "StringList");
    CHECK(origins["Value"] == "a.test,b.test");
    CHECK(json::parse(fx.aws("ssm get-parameter --name " + p + "/list-file"))["Parameter"]["Value"] == "x,y");

    auto second = fx.seed(d);
    CHECK(count(second, Outcome::unchanged) == 5);

    AwsClient c = fx.client();
    REQUIRE((c.call_json("ssm", "PutParameter", {{"Name", p + "/db/host"}, {"Value", "elsewhere"}, {"Type", "String"}, {"Overwrite", true}}).ok()));
    auto third = fx.seed(d);
    INFO(dump(third));
    CHECK(find_result(third, "parameter " + p + "/db/host")->outcome == Outcome::updated);
    CHECK(count(third, Outcome::unchanged) == 4);
    CHECK(json::parse(fx.aws("ssm get-parameter --name " + p + "/db/host"))["Parameter"]["Value"] == "localhost");
}

SEED_AWS_CASE("s3: buckets, versioning, objects from a folder and inline; unchanged by MD5; a changed object is rewritten") {
    AwsSeedFixture fx;
    TempDir dir;
    fx.base_dir = dir.path.string();
    std::string s = unique_suffix();
    dir.write("seed/uploads/a.txt", "alpha\n");
    dir.write("seed/uploads/img/logo.svg", "<svg/>");
    const SeedDecl& d = fx.decl("s3", fmt::format(R"(
buckets:
  - name: uploads-{0}
    objects_from: seed/uploads
    objects:
      "docs/hello.txt": inline content
  - name: exports-{0}
    versioning: true
)", s));
    auto first = fx.seed(d);
    INFO(dump(first));
    CHECK(count(first, Outcome::failed) == 0);
    CHECK(find_result(first, "bucket uploads-" + s)->outcome == Outcome::created);
    CHECK(find_result(first, "objects of uploads-" + s + ": 3")->outcome == Outcome::created);
    CHECK(json::parse(fx.aws("s3api get-bucket-versioning --bucket exports-" + s))["Status"] == "Enabled");
    json listed = json::parse(fx.aws("s3api list-objects-v2 --bucket uploads-" + s));
    CHECK(listed["Contents"].size() == 3);
    std::string out = fx.aws("s3 cp s3://uploads-" + s + "/docs/hello.txt -");
    CHECK(out == "inline content");
    json head = json::parse(fx.aws("s3api head-object --bucket uploads-" + s + " --key img/logo.svg"));
    CHECK(head["ContentType"] == "image/svg+xml");

    auto second = fx.seed(d);
    INFO(dump(second));
    CHECK(count(second, Outcome::unchanged) == 3);

    AwsClient c = fx.client();
    REQUIRE((c.s3("PUT", "uploads-" + s, "a.txt", {}, "tampered").ok()));
    auto third = fx.seed(d);
    INFO(dump(third));
    CHECK(find_result(third, "objects of uploads-" + s + ": 3")->outcome == Outcome::updated);
    CHECK(c.s3("GET", "uploads-" + s, "a.txt").body == "alpha\n");
}

SEED_AWS_CASE("cognito: pool with custom attributes, client, group, user that signs in; ids recorded; rerun unchanged") {
    AwsSeedFixture fx;
    std::string s = unique_suffix();
    std::string pool = "acme-users-" + s;
    const SeedDecl& d = fx.decl("cognito", fmt::format(R"(
user_pools:
  - name: {0}
    username_attributes: [email]
    auto_verified_attributes: [email]
    custom_attributes:
      - {{name: role, type: String, mutable: true}}
      - {{name: tenantId, type: String, mutable: true}}
    password_policy: {{min_length: 8, require_uppercase: true, require_lowercase: true, require_numbers: true, require_symbols: false}}
    clients:
      - name: web
        generate_secret: false
        auth_flows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
    groups:
      - {{name: admins, description: Tenant administrators}}
    users:
      - username: alice@acme.test
        password: Passw0rd-alice
        attributes: {{email: alice@acme.test, "custom:role": admin, "custom:tenantId": t-001}}
        groups: [admins]
)", pool));
    SeedSink sink;
    auto first = fx.seed(d, false, &sink);
    INFO(dump(first));
    CHECK(count(first, Outcome::created) == 4);
    json rec = sink.recorded()["aws"];
    std::string pool_id = rec.value("COGNITO_USER_POOL_ID", "");
    std::string client_id = rec.value("COGNITO_CLIENT_ID", "");
    REQUIRE_FALSE(pool_id.empty());
    REQUIRE_FALSE(client_id.empty());
    CHECK(rec.value("COGNITO_CLIENT_ID_WEB", "") == client_id);

    json up = json::parse(fx.aws("cognito-idp describe-user-pool --user-pool-id " + pool_id))["UserPool"];
    bool has_role = false;
    for (const auto& a : up["SchemaAttributes"]) has_role = has_role || a["Name"] == "custom:role";
    CHECK(has_role);
    CHECK(up["Policies"]["PasswordPolicy"]["MinimumLength"] == 8);
    CHECK(up["UsernameAttributes"][0] == "email");
    json auth = json::parse(fx.aws(fmt::format(
        "cognito-idp admin-initiate-auth --user-pool-id {} --client-id {} --auth-flow ADMIN_USER_PASSWORD_AUTH "
        "--auth-parameters USERNAME=alice@acme.test,PASSWORD=Passw0rd-alice",
        pool_id, client_id)));
    CHECK(auth.contains("AuthenticationResult"));
    json groups = json::parse(fx.aws(fmt::format(
        "cognito-idp admin-list-groups-for-user --user-pool-id {} --username alice@acme.test", pool_id)));
    CHECK(groups["Groups"][0]["GroupName"] == "admins");
    json user = json::parse(fx.aws(fmt::format("cognito-idp admin-get-user --user-pool-id {} --username alice@acme.test", pool_id)));
    bool tenant = false;
    for (const auto& a : user["UserAttributes"]) tenant = tenant || (a["Name"] == "custom:tenantId" && a["Value"] == "t-001");
    CHECK(tenant);

    SeedSink sink2;
    auto second = fx.seed(d, false, &sink2);
    INFO(dump(second));
    CHECK(count(second, Outcome::unchanged) == 4);
    CHECK(sink2.recorded()["aws"]["COGNITO_USER_POOL_ID"] == pool_id);

    // An attribute the app changed is put back.
    AwsClient c = fx.client();
    REQUIRE((c.call_json("cognito-idp", "AdminUpdateUserAttributes",
                        {{"UserPoolId", pool_id}, {"Username", "alice@acme.test"},
                         {"UserAttributes", json::array({{{"Name", "custom:role"}, {"Value", "viewer"}}})}})
                .ok()));
    auto third = fx.seed(d);
    INFO(dump(third));
    CHECK(find_result(third, "user " + pool + "/alice@acme.test")->outcome == Outcome::updated);
}

SEED_AWS_CASE("eventbridge: bus, rule with pattern, targets to a seeded queue and a raw ARN; rerun; events delivered") {
    AwsSeedFixture fx;
    std::string s = unique_suffix();
    std::string bus = "acme-events-" + s, queue = "order-events-" + s;
    const SeedDecl& q = fx.decl("sqs", fmt::format("queues: [{{name: {0}}}, {{name: elsewhere-{1}}}]\n", queue, s));
    const SeedDecl& d = fx.decl("eventbridge", fmt::format(R"(
buses:
  - name: {0}
    rules:
      - name: orders-to-queue
        description: Every order event to the queue
        pattern: {{source: [acme.orders], detail-type: [OrderPlaced]}}
        targets:
          - {{queue: {1}}}
          - {{arn: "arn:aws:sqs:us-east-1:123456789012:elsewhere-{2}", id: other}}
)", bus, queue, s));
    CHECK(count(fx.seed(q), Outcome::created) == 2);
    auto first = fx.seed(d);
    INFO(dump(first));
    CHECK(count(first, Outcome::created) == 3);
    CHECK(first[0].resource == "event bus " + bus);

    json targets = json::parse(fx.aws(fmt::format("events list-targets-by-rule --rule orders-to-queue --event-bus-name {}", bus)));
    REQUIRE(targets["Targets"].size() == 2);
    json rule = json::parse(fx.aws(fmt::format("events describe-rule --name orders-to-queue --event-bus-name {}", bus)));
    CHECK(json::parse(rule["EventPattern"].get<std::string>())["source"][0] == "acme.orders");

    auto second = fx.seed(d);
    INFO(dump(second));
    CHECK(count(second, Outcome::unchanged) == 3);

    // An event put on the bus arrives on the seeded queue.
    AwsClient c = fx.client();
    json entry = {{"EventBusName", bus}, {"Source", "acme.orders"}, {"DetailType", "OrderPlaced"}, {"Detail", "{\"id\": 1}"}};
    AwsResult put = c.call_json("events", "PutEvents", {{"Entries", json::array({entry})}});
    INFO(put.describe(), " ", put.body);
    REQUIRE(put.ok());
    CHECK(put.json()["FailedEntryCount"] == 0);
    std::string url = c.call_json("sqs", "GetQueueUrl", {{"QueueName", queue}}).json()["QueueUrl"];
    AwsResult m = c.call_json("sqs", "ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 1}});
    REQUIRE(m.ok());
    CHECK(m.json().value("Messages", json::array()).size() == 1);
}

SEED_AWS_CASE("secretsmanager: a mapping stored as JSON and a string; rerun; drift gets a new version") {
    AwsSeedFixture fx;
    std::string s = unique_suffix();
    const SeedDecl& d = fx.decl("secretsmanager", fmt::format(R"(
secrets:
  - name: acme-{0}/api/stripe
    description: Test keys
    value: {{apiKey: sk_test_x, webhookSecret: whsec_x}}
  - name: acme-{0}/api/signing-key
    value: plain-string
)", s));
    auto first = fx.seed(d);
    INFO(dump(first));
    CHECK(count(first, Outcome::created) == 2);
    json v = json::parse(fx.aws("secretsmanager get-secret-value --secret-id acme-" + s + "/api/stripe"));
    CHECK(json::parse(v["SecretString"].get<std::string>())["apiKey"] == "sk_test_x");
    CHECK(json::parse(fx.aws("secretsmanager get-secret-value --secret-id acme-" + s + "/api/signing-key"))["SecretString"] ==
          "plain-string");
    CHECK(count(fx.seed(d), Outcome::unchanged) == 2);

    AwsClient c = fx.client();
    REQUIRE((c.call_json("secretsmanager", "PutSecretValue", {{"SecretId", "acme-" + s + "/api/signing-key"}, {"SecretString", "x"}}).ok()));
    auto third = fx.seed(d);
    CHECK(find_result(third, "secret acme-" + s + "/api/signing-key")->outcome == Outcome::updated);
    CHECK(json::parse(fx.aws("secretsmanager get-secret-value --secret-id acme-" + s + "/api/signing-key"))["SecretString"] ==
          "plain-string");
}

}  // TEST_SUITE

TEST_SUITE("seed.aws.moto") {

SEED_AWS_CASE("s3 for a MinIO service: signs with the template's root user and region (moto stands in for MinIO)") {
    AwsSeedFixture fx("minio");
    fx.service.probe.kind = "http";
    fx.service.probe.region = "";  // MinIO's probe is plain HTTP: the region comes from its params
    fx.service.params.set("root_user", Value::string("minio-root"));
    fx.service.params.set("root_password", Value::string("minio-root-pw"));
    fx.service.params.set("region", Value::string("us-east-1"));
    std::string s = unique_suffix();
    const SeedDecl& d = fx.decl("s3", fmt::format("buckets: [{{name: media-{0}, objects: {{a.json: '{{}}'}}}}]\n", s));
    auto first = fx.seed(d);
    INFO(dump(first));
    CHECK(count(first, Outcome::created) == 2);
    CHECK(fx.aws(fmt::format("s3 cp s3://media-{}/a.json -", s)) == "{}");
    CHECK(count(fx.seed(d), Outcome::unchanged) == 2);
}

SEED_AWS_CASE("dynamodb: billing mode and throughput drift are updated in place") {
    AwsSeedFixture fx;
    std::string s = unique_suffix();
    const SeedDecl& on_demand = fx.decl("dynamodb", fmt::format("tables: [{{name: bill-{0}, attributes: {{id: S}}, hash_key: id}}]\n", s));
    const SeedDecl& provisioned = fx.decl("dynamodb", fmt::format(
        "tables: [{{name: bill-{0}, attributes: {{id: S}}, hash_key: id, billing_mode: PROVISIONED, throughput: {{read: 3, write: 4}}}}]\n", s));
    CHECK(count(fx.seed(on_demand), Outcome::created) == 1);
    auto changed = fx.seed(provisioned);
    INFO(dump(changed));
    REQUIRE(changed.size() == 1);
    CHECK(changed[0].outcome == Outcome::updated);
    CHECK(changed[0].detail.find("was billing mode PAY_PER_REQUEST") != std::string::npos);
    json t = json::parse(fx.aws("dynamodb describe-table --table-name bill-" + s))["Table"];
    CHECK(t["ProvisionedThroughput"]["ReadCapacityUnits"] == 3);
    CHECK(t["ProvisionedThroughput"]["WriteCapacityUnits"] == 4);
    CHECK(count(fx.seed(provisioned), Outcome::unchanged) == 1);
}

SEED_AWS_CASE("an interrupted seed stops before the next resource") {
    AwsSeedFixture fx;
    std::string s = unique_suffix();
    const SeedDecl& d = fx.decl("ssm", fmt::format("parameters: {{/int-{0}/a: x, /int-{0}/b: y}}\n", s));
    std::atomic<bool> stop{true};
    SeedTarget t = fx.target();
    t.interrupted = &stop;
    SeedSink sink;
    find_seeder("ssm")(SeedJob{t, &d, false}, sink);
    CHECK(sink.results().empty());
    AwsClient c = fx.client();
    CHECK(c.call_json("ssm", "GetParameter", {{"Name", "/int-" + s + "/a"}}).code == "ParameterNotFound");
}

}  // TEST_SUITE

// Against a real AWS emulator (moto or LocalStack) when DEVENV_TEST_AWS_ENDPOINT names one,
// e.g. DEVENV_TEST_AWS_ENDPOINT=http://127.0.0.1:45660. Without it every case here is reported
// as skipped, never as passed. Names are fixed and creation tolerates "already exists", so a run
// can be repeated and its results inspected afterwards with awscli.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "aws/client.hpp"
#include "aws/ping.hpp"
#include "aws/xml.hpp"

using namespace devenv;
using nlohmann::json;

namespace {

const char* endpoint_env() { return std::getenv("DEVENV_TEST_AWS_ENDPOINT"); }
bool no_endpoint() { return endpoint_env() == nullptr || *endpoint_env() == '\0'; }

AwsClient make_client() {
    AwsConfig cfg;
    cfg.endpoint = endpoint_env();
    return AwsClient(cfg);
}

// Creation that may already have happened in an earlier run.
void require_created(const AwsResult& r, std::initializer_list<std::string_view> already_codes) {
    INFO(r.describe());
    if (r.ok()) return;
    bool already = false;
    for (auto c : already_codes) already = already || r.code == c;
    REQUIRE(already);
}

// Says why the aws.moto cases show up as skipped (doctest prints only their count).
const bool announced = [] {
    if (no_endpoint())
        std::fprintf(stderr, "aws.moto: skipped, DEVENV_TEST_AWS_ENDPOINT is not set (e.g. http://127.0.0.1:45660)\n");
    else
        std::fprintf(stderr, "aws.moto: running against %s\n", endpoint_env());
    return true;
}();

}  // namespace

#define MOTO_CASE(name)                                                                           \
    TEST_CASE(name * doctest::skip(no_endpoint()) *                                               \
              doctest::description("needs DEVENV_TEST_AWS_ENDPOINT (a running moto or LocalStack)"))

TEST_SUITE("aws.moto") {

MOTO_CASE("every pingable service answers its cheap read") {
    AwsClient c = make_client();
    for (auto s : pingable_aws_services()) {
        AwsResult r = ping_aws_service(c, s);
        INFO(s, ": ", r.describe(), " ", r.body.substr(0, 300));
        CHECK(r.ok());
    }
}

MOTO_CASE("sts GetCallerIdentity over the query protocol") {
    AwsClient c = make_client();
    AwsResult r = c.call_query("sts", "GetCallerIdentity");
    REQUIRE(r.ok());
    CHECK(xml_value(r.body, "Account").size() == 12);
    CHECK_FALSE(xml_value(r.body, "Arn").empty());
}

MOTO_CASE("dynamodb: table with GSI and TTL, item round trip, typed error on re-create") {
    AwsClient c = make_client();
    json table = {
        {"TableName", "devenv-it-orders"},
        {"BillingMode", "PAY_PER_REQUEST"},
        {"AttributeDefinitions",
         {{{"AttributeName", "pk"}, {"AttributeType", "S"}}, {{"AttributeName", "sk"}, {"AttributeType", "S"}},
          {{"AttributeName", "gsi1pk"}, {"AttributeType", "S"}}}},
        {"KeySchema", {{{"AttributeName", "pk"}, {"KeyType", "HASH"}}, {{"AttributeName", "sk"}, {"KeyType", "RANGE"}}}},
        {"GlobalSecondaryIndexes",
         {{{"IndexName", "gsi1"},
           {"KeySchema", {{{"AttributeName", "gsi1pk"}, {"KeyType", "HASH"}}}},
           {"Projection", {{"ProjectionType", "ALL"}}}}}}};
    require_created(c.call_json("dynamodb", "CreateTable", table), {"ResourceInUseException"});

    AwsResult again = c.call_json("dynamodb", "CreateTable", table);
    CHECK(again.status == 400);
    CHECK(again.code == "ResourceInUseException");
    CHECK(again.attempts == 1);

    AwsResult ttl = c.call_json("dynamodb", "UpdateTimeToLive",
                                {{"TableName", "devenv-it-orders"},
                                 {"TimeToLiveSpecification", {{"Enabled", true}, {"AttributeName", "expiresAt"}}}});
    INFO(ttl.describe());
    // A second enable is rejected by real DynamoDB ("TimeToLive is already enabled").
    CHECK((ttl.ok() || ttl.code == "ValidationException"));

    AwsResult d = c.call_json("dynamodb", "DescribeTable", {{"TableName", "devenv-it-orders"}});
    REQUIRE(d.ok());
    CHECK(d.json()["Table"]["GlobalSecondaryIndexes"][0]["IndexName"] == "gsi1");

    json item = {{"pk", {{"S", "order#1"}}}, {"sk", {{"S", "v0"}}}, {"note", {{"S", "caf\u00e9 & co"}}}};
    REQUIRE(c.call_json("dynamodb", "PutItem", {{"TableName", "devenv-it-orders"}, {"Item", item}}).ok());
    AwsResult got = c.call_json("dynamodb", "GetItem",
                                {{"TableName", "devenv-it-orders"}, {"Key", {{"pk", item["pk"]}, {"sk", item["sk"]}}}});
    REQUIRE(got.ok());
    CHECK(got.json()["Item"]["note"]["S"] == "caf\u00e9 & co");

    // A request body well past any transport buffer, to see it arrive whole.
    json big = item;
    big["sk"] = {{"S", "big"}};
    big["blob"] = {{"S", std::string(64 * 1024, 'x')}};
    REQUIRE(c.call_json("dynamodb", "PutItem", {{"TableName", "devenv-it-orders"}, {"Item", big}}).ok());
    AwsResult got_big = c.call_json("dynamodb", "GetItem",
                                    {{"TableName", "devenv-it-orders"}, {"Key", {{"pk", big["pk"]}, {"sk", big["sk"]}}}});
    REQUIRE(got_big.ok());
    CHECK(got_big.json()["Item"]["blob"]["S"].get<std::string>().size() == 64 * 1024);

    AwsResult missing = c.call_json("dynamodb", "DescribeTable", {{"TableName", "devenv-it-missing"}});
    CHECK(missing.status == 400);
    CHECK(missing.code == "ResourceNotFoundException");
}

MOTO_CASE("sqs over the JSON protocol: queue with dead-letter queue, send and receive") {
    AwsClient c = make_client();
    AwsResult dlq = c.call_json("sqs", "CreateQueue", {{"QueueName", "devenv-it-jobs-dlq"}});
    REQUIRE_MESSAGE(dlq.ok(), dlq.describe());
    std::string dlq_url = dlq.json()["QueueUrl"];
    AwsResult attrs = c.call_json("sqs", "GetQueueAttributes",
                                  {{"QueueUrl", dlq_url}, {"AttributeNames", {"QueueArn"}}});
    REQUIRE(attrs.ok());
    std::string dlq_arn = attrs.json()["Attributes"]["QueueArn"];
    CHECK(dlq_arn.find("devenv-it-jobs-dlq") != std::string::npos);

    json redrive = {{"deadLetterTargetArn", dlq_arn}, {"maxReceiveCount", "3"}};
    AwsResult q = c.call_json("sqs", "CreateQueue",
                              {{"QueueName", "devenv-it-jobs"},
                               {"Attributes", {{"RedrivePolicy", redrive.dump()}, {"VisibilityTimeout", "30"}}}});
    REQUIRE_MESSAGE(q.ok(), q.describe());
    std::string url = q.json()["QueueUrl"];

    REQUIRE(c.call_json("sqs", "SendMessage", {{"QueueUrl", url}, {"MessageBody", "hello & <world>"}}).ok());
    AwsResult recv = c.call_json("sqs", "ReceiveMessage", {{"QueueUrl", url}, {"MaxNumberOfMessages", 1}});
    REQUIRE(recv.ok());
    REQUIRE(recv.json()["Messages"].size() == 1);
    CHECK(recv.json()["Messages"][0]["Body"] == "hello & <world>");
    // Put it back so the queue can be inspected after the run.
    c.call_json("sqs", "ChangeMessageVisibility",
                {{"QueueUrl", url}, {"ReceiptHandle", recv.json()["Messages"][0]["ReceiptHandle"]}, {"VisibilityTimeout", 0}});

    AwsResult missing = c.call_json("sqs", "GetQueueUrl", {{"QueueName", "devenv-it-missing"}});
    CHECK(missing.status == 400);
    INFO(missing.code);
    CHECK((missing.code == "QueueDoesNotExist" || missing.code == "AWS.SimpleQueueService.NonExistentQueue"));
}

MOTO_CASE("ssm parameters under a path") {
    AwsClient c = make_client();
    for (auto [name, value] : {std::pair{"/devenv-it/api/db-url", "postgres://x@y/z"}, {"/devenv-it/api/flag", "on"}})
        REQUIRE(c.call_json("ssm", "PutParameter",
                            {{"Name", name}, {"Value", value}, {"Type", "String"}, {"Overwrite", true}})
                    .ok());
    AwsResult r = c.call_json("ssm", "GetParametersByPath", {{"Path", "/devenv-it"}, {"Recursive", true}});
    REQUIRE(r.ok());
    CHECK(r.json()["Parameters"].size() == 2);
    AwsResult missing = c.call_json("ssm", "GetParameter", {{"Name", "/devenv-it/none"}});
    CHECK(missing.status == 400);
    CHECK(missing.code == "ParameterNotFound");
}

MOTO_CASE("s3: bucket, object with an awkward key, listing, presigned GET, typed errors") {
    AwsClient c = make_client();
    AwsResult b = c.s3("PUT", "devenv-it-assets");
    require_created(b, {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"});
    const std::string key = "dir/caf\xC3\xA9 a+b.txt";
    REQUIRE(c.s3("PUT", "devenv-it-assets", key, {}, "hello s3", {{"Content-Type", "text/plain"}}).ok());
    AwsResult got = c.s3("GET", "devenv-it-assets", key);
    REQUIRE(got.ok());
    CHECK(got.body == "hello s3");
    AwsResult list = c.s3("GET", "devenv-it-assets", {}, "list-type=2&prefix=dir%2F");
    REQUIRE(list.ok());
    CHECK(xml_values(list.body, "Key") == std::vector<std::string>{key});
    AwsResult buckets = c.s3("GET", "");
    REQUIRE(buckets.ok());
    auto names = xml_values(buckets.body, "Name");
    CHECK(std::find(names.begin(), names.end(), "devenv-it-assets") != names.end());

    CHECK(c.s3("HEAD", "devenv-it-assets").status == 200);
    AwsResult nohead = c.s3("HEAD", "devenv-it-missing-bucket");
    CHECK(nohead.status == 404);
    CHECK(nohead.body.empty());

    AwsResult nobucket = c.s3("GET", "devenv-it-missing-bucket", "x");
    CHECK(nobucket.status == 404);
    CHECK(nobucket.code == "NoSuchBucket");
    AwsResult nokey = c.s3("GET", "devenv-it-assets", "none");
    CHECK(nokey.status == 404);
    CHECK(nokey.code == "NoSuchKey");

    // A presigned URL fetched with no Authorization header.
    std::string endpoint = endpoint_env();
    std::string host = endpoint.substr(endpoint.find("://") + 3);
    if (!host.empty() && host.back() == '/') host.pop_back();
    std::string path = "/devenv-it-assets/" + sigv4::uri_encode(key, false);
    sigv4::Request req;
    req.path = path;
    req.headers = {{"Host", host}};
    req.payload_hash = std::string(sigv4::unsigned_payload);
    sigv4::Options opt;
    opt.service = "s3";
    opt.time = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    opt.normalize_path = opt.encode_path = false;
    auto pre = sigv4::presign(req, {"test", "test", ""}, opt, std::chrono::seconds{300});
    HttpClient http;
    HttpRequest get;
    get.url = "http://" + host + path + "?" + pre.query;
    HttpResponse resp = http.send(get);
    CHECK(resp.status == 200);
    CHECK(resp.body == "hello s3");
}

MOTO_CASE("cognito-idp: pool with custom attributes, client, user with a permanent password") {
    AwsClient c = make_client();
    // Pools have generated ids; reuse the one an earlier run made.
    std::string pool_id;
    AwsResult pools = c.call_json("cognito-idp", "ListUserPools", {{"MaxResults", 60}});
    REQUIRE(pools.ok());
    const json listed = pools.json();  // a named value: a range-for over a temporary's member dangles
    for (const auto& p : listed["UserPools"])
        if (p["Name"] == "devenv-it-users") pool_id = p["Id"];
    if (pool_id.empty()) {
        AwsResult pool = c.call_json(
            "cognito-idp", "CreateUserPool",
            {{"PoolName", "devenv-it-users"},
             {"Schema",
              {{{"Name", "role"}, {"AttributeDataType", "String"}, {"Mutable", true}},
               {{"Name", "tenantId"}, {"AttributeDataType", "String"}, {"Mutable", true}}}}});
        REQUIRE_MESSAGE(pool.ok(), pool.describe());
        pool_id = pool.json()["UserPool"]["Id"];
        AwsResult client = c.call_json("cognito-idp", "CreateUserPoolClient",
                                       {{"UserPoolId", pool_id}, {"ClientName", "devenv-it-web"}});
        REQUIRE_MESSAGE(client.ok(), client.describe());
    }
    AwsResult user = c.call_json(
        "cognito-idp", "AdminCreateUser",
        {{"UserPoolId", pool_id},
         {"Username", "alice@example.com"},
         {"MessageAction", "SUPPRESS"},
         {"UserAttributes",
          {{{"Name", "email"}, {"Value", "alice@example.com"}}, {{"Name", "custom:role"}, {"Value", "admin"}},
           {{"Name", "custom:tenantId"}, {"Value", "t-1"}}}}});
    require_created(user, {"UsernameExistsException"});
    REQUIRE(c.call_json("cognito-idp", "AdminSetUserPassword",
                        {{"UserPoolId", pool_id}, {"Username", "alice@example.com"},
                         {"Password", "Passw0rd!Passw0rd"}, {"Permanent", true}})
                .ok());
    AwsResult got = c.call_json("cognito-idp", "AdminGetUser", {{"UserPoolId", pool_id}, {"Username", "alice@example.com"}});
    REQUIRE(got.ok());
    const json user_json = got.json();
    CHECK(user_json["UserStatus"] == "CONFIRMED");
    bool has_role = false;
    for (const auto& a : user_json["UserAttributes"]) has_role = has_role || (a["Name"] == "custom:role" && a["Value"] == "admin");
    CHECK(has_role);
}

MOTO_CASE("events: bus, rule, queue target") {
    AwsClient c = make_client();
    require_created(c.call_json("events", "CreateEventBus", {{"Name", "devenv-it-bus"}}), {"ResourceAlreadyExistsException"});
    AwsResult rule = c.call_json("events", "PutRule",
                                 {{"Name", "devenv-it-orders"},
                                  {"EventBusName", "devenv-it-bus"},
                                  {"EventPattern", json{{"source", {"acme.orders"}}}.dump()}});
    REQUIRE_MESSAGE(rule.ok(), rule.describe());
    AwsResult q = c.call_json("sqs", "CreateQueue", {{"QueueName", "devenv-it-events"}});
    REQUIRE(q.ok());
    AwsResult arn = c.call_json("sqs", "GetQueueAttributes",
                                {{"QueueUrl", q.json()["QueueUrl"]}, {"AttributeNames", {"QueueArn"}}});
    REQUIRE(arn.ok());
    AwsResult t = c.call_json("events", "PutTargets",
                              {{"Rule", "devenv-it-orders"},
                               {"EventBusName", "devenv-it-bus"},
                               {"Targets", {{{"Id", "q"}, {"Arn", arn.json()["Attributes"]["QueueArn"]}}}}});
    REQUIRE(t.ok());
    CHECK(t.json()["FailedEntryCount"] == 0);
    AwsResult rules = c.call_json("events", "ListRules", {{"EventBusName", "devenv-it-bus"}});
    REQUIRE(rules.ok());
    CHECK(rules.json()["Rules"][0]["Name"] == "devenv-it-orders");
}

MOTO_CASE("secretsmanager: create or update, then read") {
    AwsClient c = make_client();
    AwsResult s = c.call_json("secretsmanager", "CreateSecret",
                              {{"Name", "devenv-it/db"}, {"SecretString", R"({"user":"app","password":"pw"})"}});
    require_created(s, {"ResourceExistsException"});
    AwsResult v = c.call_json("secretsmanager", "GetSecretValue", {{"SecretId", "devenv-it/db"}});
    REQUIRE(v.ok());
    CHECK(json::parse(v.json()["SecretString"].get<std::string>())["user"] == "app");
    AwsResult missing = c.call_json("secretsmanager", "GetSecretValue", {{"SecretId", "devenv-it/none"}});
    INFO(missing.status);
    // AWS answers 400; moto 5 answers 404. Either way the code is what callers test.
    CHECK((missing.status == 400 || missing.status == 404));
    CHECK(missing.code == "ResourceNotFoundException");
}

}  // TEST_SUITE

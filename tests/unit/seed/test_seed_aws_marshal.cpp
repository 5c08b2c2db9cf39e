// YAML/JSON to DynamoDB marshalling, item files, and the small helpers of the AWS seeders.
#include <doctest/doctest.h>

#include <sstream>

#include "seed/aws/support.hpp"
#include "seed/kinds.hpp"
#include "yaml/yaml.hpp"

using namespace devenv;
using namespace devenv::aws_seed;
using nlohmann::json;

TEST_SUITE("seed.aws") {

TEST_CASE("YAML values marshal to DynamoDB types") {
    Value v = parse_yaml(R"(
pk: "C#1"
total: 42.5
count: 3
quoted: "17"
ok: true
none: null
tags: [a, 1]
nested: {x: {y: false}}
)", "t.yaml");
    json item = item_to_dynamo(v);
    CHECK(item["pk"] == json{{"S", "C#1"}});
    CHECK(item["total"] == json{{"N", "42.5"}});
    CHECK(item["count"] == json{{"N", "3"}});
    CHECK(item["quoted"] == json{{"S", "17"}});
    CHECK(item["ok"] == json{{"BOOL", true}});
    CHECK(item["none"] == json{{"NULL", true}});
    CHECK(item["tags"] == json{{"L", {{{"S", "a"}}, {{"N", "1"}}}}});
    CHECK(item["nested"]["M"]["x"]["M"]["y"] == json{{"BOOL", false}});
}

TEST_CASE("JSON items: plain values are marshalled, already typed items kept") {
    json plain = {{"id", "s-1"}, {"n", 2}, {"f", 1.5}, {"list", {1, "x"}}, {"m", {{"a", nullptr}}}};
    json item = item_to_dynamo(plain);
    CHECK(item["id"] == json{{"S", "s-1"}});
    CHECK(item["n"] == json{{"N", "2"}});
    CHECK(item["f"] == json{{"N", "1.5"}});
    CHECK(item["list"]["L"][1] == json{{"S", "x"}});
    CHECK(item["m"]["M"]["a"] == json{{"NULL", true}});

    json typed = {{"id", {{"S", "s-1"}}}, {"n", {{"N", "2"}}}};
    CHECK(item_to_dynamo(typed) == typed);
}

TEST_CASE("items files: a JSON array or JSON lines; errors name the line") {
    CHECK(parse_items_text(R"([{"a": 1}, {"b": 2}])", "x.json").size() == 2);
    CHECK(parse_items_text("{\"a\": 1}\n\n{\"b\": 2}\n", "x.jsonl").size() == 2);
    CHECK(parse_items_text("  \n", "empty.json").empty());
    try {
        parse_items_text("{\"a\": 1}\n{oops}\n", "bad.jsonl");
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::seed);
        CHECK(e.message().find("bad.jsonl:2") != std::string::npos);
    }
    CHECK_THROWS_AS(parse_items_text("[1, 2]", "nums.json"), Error);
}

TEST_CASE("items files stream: each item handed on in order, nested values whole, bad items named") {
    // An array whose elements hold arrays and objects: only top-level elements are items.
    std::istringstream arr(R"(  [ {"a": [1, {"b": [2]}]}, {"c": {"d": {}}}, {"e": "]"} ] )");
    std::vector<json> got;
    for_each_item(arr, "a.json", [&](json&& j) { got.push_back(std::move(j)); });
    REQUIRE(got.size() == 3);
    CHECK(got[0]["a"][1]["b"][0] == 2);
    CHECK(got[1]["c"]["d"].is_object());
    CHECK(got[2]["e"] == "]");

    // Many items: the callback sees them one by one (a consumer that keeps none holds none).
    std::string big = "[";
    for (int i = 0; i < 5000; ++i) big += (i ? "," : "") + std::string(R"({"pk": "k)") + std::to_string(i) + "\"}";
    big += "]";
    std::istringstream big_in(big);
    int n = 0;
    std::string last;
    for_each_item(big_in, "big.json", [&](json&& j) {
        ++n;
        last = j["pk"];
    });
    CHECK(n == 5000);
    CHECK(last == "k4999");

    std::istringstream nested(R"([{"a": 1}, [1, 2]])");
    try {
        for_each_item(nested, "n.json", [](json&&) {});
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.message().find("n.json: item 2 is not a JSON object") != std::string::npos);
    }
    std::istringstream broken(R"([{"a": 1}, {"b": )");
    CHECK_THROWS_WITH_AS(for_each_item(broken, "b.json", [](json&&) {}), doctest::Contains("b.json is not valid JSON"), Error);
    std::istringstream lines("{\"a\": 1}\n\n[2]\n");
    try {
        for_each_item(lines, "l.jsonl", [](json&&) {});
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.message().find("l.jsonl:3: not a JSON object") != std::string::npos);
    }
}

TEST_CASE("DynamoDB equality: numbers by value, sets unordered, maps and lists exact") {
    CHECK(dynamo_equal(json{{"N", "1.50"}}, json{{"N", "1.5"}}));
    CHECK_FALSE(dynamo_equal(json{{"N", "1"}}, json{{"S", "1"}}));
    CHECK(dynamo_equal(json{{"SS", {"a", "b"}}}, json{{"SS", {"b", "a"}}}));
    CHECK(dynamo_equal(json{{"a", {{"N", "1"}}}, {"b", {{"L", {{{"N", "2.0"}}}}}}},
                       json{{"b", {{"L", {{{"N", "2"}}}}}}, {"a", {{"N", "1"}}}}));
    CHECK_FALSE(dynamo_equal(json{{"a", {{"N", "1"}}}}, json{{"a", {{"N", "1"}}}, {"extra", {{"S", "x"}}}}));
}

TEST_CASE("env names, flags, MD5") {
    CHECK(env_name("SQS_QUEUE_URL_", "orders-dlq") == "SQS_QUEUE_URL_ORDERS_DLQ");
    CHECK(env_name("SQS_QUEUE_URL_", "payments.fifo") == "SQS_QUEUE_URL_PAYMENTS_FIFO");
    Value t = Value::string("true"), f = Value::boolean(false), five = Value::string("5");
    CHECK(flag(&t));
    CHECK_FALSE(flag(&f, true));
    CHECK(flag(nullptr, true));
    CHECK(integer(&five) == 5);
    CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(md5_base64("") == "1B2M2Y8AsgTpgAmY7PhCfg==");
}

TEST_CASE("every AWS kind has a seeder; moto and localstack have resets; minio uses its root user") {
    for (const char* kind : {"dynamodb", "sqs", "ssm", "s3", "cognito", "eventbridge", "secretsmanager"})
        CHECK_MESSAGE(static_cast<bool>(find_seeder(kind)), kind);
    REQUIRE(find_reset_strategy("moto") != nullptr);
    CHECK(static_cast<bool>(find_reset_strategy("moto")->reset));
    REQUIRE(find_reset_strategy("localstack") != nullptr);
    CHECK(static_cast<bool>(find_reset_strategy("localstack")->reset));

    Service minio;
    minio.template_name = "minio";
    minio.endpoint.host = "127.0.0.1";
    minio.endpoint.port = 19000;
    minio.params = Value::mapping();
    minio.params.set("root_user", Value::string("admin"));
    minio.params.set("root_password", Value::string("s3cret-pw"));
    minio.params.set("region", Value::string("eu-west-1"));
    SeedTarget t;
    t.service = &minio;
    AwsConfig cfg = config_for(t);
    CHECK(cfg.endpoint == "http://127.0.0.1:19000");
    CHECK(cfg.credentials.access_key_id == "admin");
    CHECK(cfg.credentials.secret_access_key == "s3cret-pw");
    CHECK(cfg.region == "eu-west-1");
}

}  // TEST_SUITE

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "util/suggest.hpp"

using namespace devenv;

TEST_SUITE("util.suggest") {
    TEST_CASE("edit distance counts a swap of neighbours as one edit") {
        CHECK(edit_distance("", "") == 0);
        CHECK(edit_distance("abc", "") == 3);
        CHECK(edit_distance("", "abc") == 3);
        CHECK(edit_distance("same", "same") == 0);
        CHECK(edit_distance("kitten", "sitting") == 3);
        CHECK(edit_distance("versoin", "version") == 1);
        CHECK(edit_distance("ab", "ba") == 1);
        CHECK(edit_distance("abc", "ca") == 3);  // optimal string alignment, not full Damerau (2)
        CHECK(edit_distance("depends_in", "depends_on") == 1);
        CHECK(edit_distance("dynamdb", "dynamodb") == 1);
        CHECK(edit_distance("Version", "version") == 1);  // case-sensitive
        CHECK(edit_distance("flaw", "lawn") == 2);
    }

    TEST_CASE("typos find their word") {
        const std::vector<std::string> keys{"image", "version", "ports", "depends_on", "environment", "volumes"};
        CHECK(suggest("versoin", keys) == "version");
        CHECK(suggest("depends_in", keys) == "depends_on");
        CHECK(suggest("dependson", keys) == "depends_on");
        CHECK(suggest("enviroment", keys) == "environment");
        CHECK(suggest("port", keys) == "ports");
        CHECK(suggest("imag", keys) == "image");
        CHECK(suggest("VERSOIN", keys) == "version");
        const std::vector<std::string> services{"dynamodb", "sqs", "sns", "s3", "ssm", "cognito-idp"};
        CHECK(suggest("dynamdb", services) == "dynamodb");
        CHECK(suggest("dynamo", services) == "dynamodb");
        CHECK(suggest("sms", services) == "sqs");  // ties go to the earlier candidate (sqs, sns, ssm)
        CHECK(suggest("cognito", services) == "cognito-idp");
    }

    TEST_CASE("a match but for case wins outright") {
        CHECK(suggest("Postgres", {"postgis", "postgres"}) == "postgres");
        CHECK(suggest("AWS", {"aws", "AWS"}) == "AWS");
        CHECK(suggest("Aws", {"aws", "AWS"}) == "aws");
    }

    TEST_CASE("far-off names get nothing") {
        const std::vector<std::string> keys{"image", "version", "ports", "depends_on"};
        CHECK_FALSE(suggest("healthcheck", keys));
        CHECK_FALSE(suggest("xyz", keys));
        CHECK_FALSE(suggest("", keys));
        CHECK_FALSE(suggest("ab", {"cd"}));
        CHECK_FALSE(suggest("version", {}));
        CHECK_FALSE(suggest("redis", {"postgres", "kafka", "vault"}));
        // A short input with distance 1 is still a typo; distance 2 is not.
        CHECK(suggest("pg", {"pq"}) == "pq");
        CHECK_FALSE(suggest("pg", {"ab"}));
    }

    TEST_CASE("a prefix only counts when it is not a guess") {
        CHECK(suggest("local", {"localstack", "postgres"}) == "localstack");
        CHECK_FALSE(suggest("post", {"postgres", "postgis-16"}));
        CHECK_FALSE(suggest("lo", {"localstack"}));
        CHECK(suggest("boolean", {"string", "int", "bool", "port", "enum", "list", "map", "duration"}) == "bool");
        CHECK(suggest("integer", {"string", "int", "bool"}) == "int");
        CHECK(suggest("in", {"int"}) == "int");  // distance 1
        CHECK_FALSE(suggest("postgresql", {"pg"}));
    }
}

#include <doctest/doctest.h>

#include "aws/client.hpp"
#include "aws/xml.hpp"

using namespace devenv;

TEST_SUITE("aws.xml") {

TEST_CASE("values by element name") {
    const std::string xml = R"(<?xml version="1.0"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Buckets><Bucket><Name>one</Name></Bucket><Bucket><Name>t&amp;wo</Name></Bucket></Buckets>
  <NameX>not this</NameX><Name/>
</ListAllMyBucketsResult>)";
    CHECK(xml_values(xml, "Name") == std::vector<std::string>{"one", "t&wo", ""});
    CHECK(xml_value(xml, "Missing").empty());
    CHECK(xml_value(R"(<Error><Code attr="x">NoSuchBucket</Code></Error>)", "Code") == "NoSuchBucket");
}

TEST_CASE("entities") {
    CHECK(xml_unescape("a &lt;b&gt; &quot;c&quot; &apos;d&apos; &#65;&#x42; &#x1234; &bogus; &") ==
          "a <b> \"c\" 'd' AB \xE1\x88\xB4 &bogus; &");
}

}  // TEST_SUITE

TEST_SUITE("aws.services") {

TEST_CASE("protocol facts per service") {
    REQUIRE(find_aws_service("dynamodb"));
    CHECK(find_aws_service("dynamodb")->json_version == "1.0");
    CHECK(find_aws_service("sqs")->json_target == "AmazonSQS");
    CHECK(find_aws_service("ssm")->json_version == "1.1");
    CHECK(find_aws_service("cognito-idp")->json_target == "AWSCognitoIdentityProviderService");
    CHECK(find_aws_service("events")->json_target == "AWSEvents");
    CHECK(find_aws_service("secretsmanager")->json_target == "secretsmanager");
    CHECK(find_aws_service("sts")->query_version == "2011-06-15");
    CHECK(find_aws_service("nope") == nullptr);
}

}  // TEST_SUITE

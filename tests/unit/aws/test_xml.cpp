#include <doctest/doctest.h>

#include "aws/client.hpp"
#include "aws/xml.hpp"
#include "util/error.hpp"

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
    // In a document: decoded once (no double decoding of "&amp;lt;"), the same rules.
    XmlDocument doc("<Key>&lt;a&gt; &amp;lt; &#x1F600; &#0; &unknown;</Key>");
    CHECK(doc.root().text() == "<a> &lt; \xF0\x9F\x98\x80 &#0; &unknown;");
}

TEST_CASE("nested elements with the same name are told apart") {
    // A scanner took the first </Name> for the end of the outer <Name>; a parser does not.
    const std::string xml = R"(<Result>
  <Name>outer<Name>inner</Name>tail</Name>
  <Owner><Name>owner</Name></Owner>
  <Contents><Key>a</Key><ETag>"1"</ETag></Contents>
  <Contents><Key>b</Key><Owner><Key>not an object</Key></Owner><ETag>"2"</ETag></Contents>
</Result>)";
    XmlDocument doc(xml);
    XmlElement root = doc.root();
    CHECK(root.name() == "Result");
    CHECK(root.child("Name").text() == "outertail");  // its own text, not its child's
    CHECK(root.child("Name").child_text("Name") == "inner");
    CHECK(root.child("Owner").child_text("Name") == "owner");
    auto contents = root.children("Contents");
    REQUIRE(contents.size() == 2);
    CHECK(contents[1].child_text("Key") == "b");
    CHECK(contents[1].child_text("ETag") == "\"2\"");
    CHECK(root.descendants("Key").size() == 3);
    CHECK(xml_values(xml, "Name") == std::vector<std::string>{"outertail", "inner", "owner"});
    CHECK_FALSE(root.child("Missing"));
    CHECK(root.child("Missing").text().empty());
    CHECK(root.child("Missing").children().empty());
}

TEST_CASE("namespaces: elements are matched by local name") {
    const std::string xml = R"(<s3:ListBucketResult xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">
  <s3:Contents><s3:Key>k</s3:Key></s3:Contents><other:Key xmlns:other="urn:x">o</other:Key>
</s3:ListBucketResult>)";
    XmlDocument doc(xml);
    CHECK(doc.root().name() == "ListBucketResult");
    CHECK(doc.root().child("Contents").child_text("Key") == "k");
    CHECK(xml_values(xml, "Key") == std::vector<std::string>{"k", "o"});
    // A default namespace changes nothing either.
    CHECK(xml_value(R"(<Error xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Code>X</Code></Error>)", "Code") == "X");
}

TEST_CASE("CDATA is taken as written, whitespace is kept") {
    XmlDocument doc("<R><M><![CDATA[a <b> &amp; c]]></M><K> </K><T>x&amp;<![CDATA[&]]>y</T></R>");
    CHECK(doc.root().child_text("M") == "a <b> &amp; c");
    CHECK(doc.root().child_text("K") == " ");  // an S3 key may be a space
    CHECK(doc.root().child_text("T") == "x&&y");
}

TEST_CASE("malformed input is a clear error, not a crash or a guess") {
    for (std::string bad : {std::string(""), std::string("not xml"), std::string("<a><b></a>"), std::string("<a>"),
                            std::string("<a></b>"), std::string("<a x=>"), std::string("<a><![CDATA[x</a>"),
                            std::string("\0\0<a/>"), std::string(100000, '<')}) {
        CAPTURE(bad.substr(0, 20));
        CHECK_FALSE(XmlDocument::try_parse(bad));
        try {
            XmlDocument doc(bad);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::seed);
            CHECK(e.message().starts_with("malformed XML: "));
        }
        CHECK_THROWS_AS(xml_values(bad, "a"), Error);
    }
    try {
        XmlDocument doc("<a><b></a>");
    } catch (const Error& e) {
        CHECK(e.message() == "malformed XML: start-end tags mismatch (byte 8)");
    }
    // Deep nesting is parsed and walked without recursion.
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "<d>";
    deep += "<Code>deep</Code>";
    for (int i = 0; i < 100000; ++i) deep += "</d>";
    CHECK(xml_value(deep, "Code") == "deep");
}

TEST_CASE("an AWS error body names its code; one that is not XML names none") {
    AwsResult r;
    r.status = 403;
    r.body = "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
             "<Message>The security token &amp; more</Message></Error><RequestId>1</RequestId></ErrorResponse>";
    read_aws_error(r);
    CHECK(r.code == "InvalidClientTokenId");
    CHECK(r.message == "The security token & more");
    AwsResult html;
    html.status = 502;
    html.body = "<html><body>Bad gateway<hr></body></html>";
    read_aws_error(html);
    CHECK(html.code.empty());
    CHECK(html.describe() == "HTTP 502");
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

#include <array>

#include "aws/client.hpp"

namespace devenv {

const AwsService* find_aws_service(std::string_view name) {
    // Target prefixes and versions as the services' own API models name them; moto and
    // LocalStack dispatch on the same strings.
    static constexpr std::array<AwsService, 13> services{{
        {"dynamodb", "DynamoDB_20120810", "1.0", ""},
        {"sqs", "AmazonSQS", "1.0", "2012-11-05"},
        {"ssm", "AmazonSSM", "1.1", ""},
        {"cognito-idp", "AWSCognitoIdentityProviderService", "1.1", ""},
        {"events", "AWSEvents", "1.1", ""},
        {"secretsmanager", "secretsmanager", "1.1", ""},
        {"kms", "TrentService", "1.1", ""},
        {"logs", "Logs_20140328", "1.1", ""},
        {"kinesis", "Kinesis_20131202", "1.1", ""},
        {"sts", "", "", "2011-06-15"},
        {"sns", "", "", "2010-03-31"},
        {"iam", "", "", "2010-05-08"},
        {"s3", "", "", ""},
    }};
    for (const auto& s : services)
        if (s.name == name) return &s;
    return nullptr;
}

}  // namespace devenv

#pragma once
// The cheapest signed read each service answers. LocalStack reports a lazily loaded service as
// "available" before it can answer, so readiness asks each service itself.
#include <span>
#include <string_view>

#include "aws/client.hpp"

namespace devenv {

// dynamodb sqs ssm s3 cognito-idp events secretsmanager sts
std::span<const std::string_view> pingable_aws_services();
// One read (dynamodb ListTables, s3 ListBuckets, sts GetCallerIdentity, ...). Throws
// Error(profile) for a service not in pingable_aws_services().
AwsResult ping_aws_service(AwsClient& client, std::string_view service);

}  // namespace devenv

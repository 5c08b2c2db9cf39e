#include "aws/ping.hpp"

#include <array>

#include <fmt/format.h>

#include "util/error.hpp"

namespace devenv {

namespace {

constexpr std::array<std::string_view, 9> services{
    "dynamodb", "sqs", "sns", "ssm", "s3", "cognito-idp", "events", "secretsmanager", "sts"};

}  // namespace

std::span<const std::string_view> pingable_aws_services() { return services; }

AwsResult ping_aws_service(AwsClient& client, std::string_view service) {
    using nlohmann::json;
    if (service == "dynamodb") return client.call_json(service, "ListTables", json{{"Limit", 1}});
    if (service == "sqs") return client.call_json(service, "ListQueues");
    if (service == "sns") return client.call_query(service, "ListTopics");
    if (service == "ssm") return client.call_json(service, "DescribeParameters", json{{"MaxResults", 1}});
    if (service == "s3") return client.s3("GET", "");
    if (service == "cognito-idp") return client.call_json(service, "ListUserPools", json{{"MaxResults", 1}});
    if (service == "events") return client.call_json(service, "ListEventBuses");
    if (service == "secretsmanager") return client.call_json(service, "ListSecrets", json{{"MaxResults", 1}});
    if (service == "sts") return client.call_query(service, "GetCallerIdentity");
    throw Error(ErrorKind::profile, fmt::format("no readiness check for AWS service '{}'", service))
        .hint(fmt::format("known services: {}", fmt::join(services, ", ")));
}

}  // namespace devenv

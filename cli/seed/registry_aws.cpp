#include "seed/registry.hpp"
#include "seed/seeders_aws.hpp"

namespace devenv {

namespace {
const SeederEntry kSeeders[] = {
    {"dynamodb", seed_dynamodb},
    {"sqs", seed_sqs},
    {"ssm", seed_ssm},
    {"s3", seed_s3},
    {"cognito", seed_cognito},
    {"eventbridge", seed_eventbridge},
    {"secretsmanager", seed_secretsmanager},
};
const ResetStrategy kResets[] = {
    {"moto", nullptr, reset_moto},
    {"localstack", nullptr, reset_localstack},
    {"minio", nullptr, reset_minio},
};
}  // namespace

std::span<const SeederEntry> aws_seeders() { return kSeeders; }
std::span<const ResetStrategy> aws_reset_strategies() { return kResets; }

}  // namespace devenv

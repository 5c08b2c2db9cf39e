#pragma once
// Which seeder serves which kind, and which reset strategy which template. One table per
// family of services, each in its own file (registry_aws.cpp, registry_data.cpp, ...).
#include <span>
#include <string_view>

#include "seed/seed.hpp"

namespace devenv {

struct SeederEntry {
    std::string_view kind;
    SeedFn fn;
};

// dynamodb sqs ssm s3 cognito eventbridge secretsmanager (LocalStack, moto; s3 also MinIO)
std::span<const SeederEntry> aws_seeders();
std::span<const ResetStrategy> aws_reset_strategies();
// postgres redis kafka connect schema_registry vault mongodb
std::span<const SeederEntry> data_seeders();
std::span<const ResetStrategy> data_reset_strategies();
// exec
std::span<const SeederEntry> builtin_seeders();

}  // namespace devenv

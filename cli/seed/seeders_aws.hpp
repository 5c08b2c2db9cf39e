#pragma once
// Seeders and reset strategies for the AWS emulators (LocalStack, moto) and MinIO's S3 API.
#include <string>

#include "seed/seed.hpp"

namespace devenv {

// One per seed kind (seed/seed_<kind>.cpp); listed in registry_aws.cpp.
void seed_dynamodb(const SeedJob& job, SeedSink& sink);
void seed_sqs(const SeedJob& job, SeedSink& sink);
void seed_ssm(const SeedJob& job, SeedSink& sink);
void seed_s3(const SeedJob& job, SeedSink& sink);
void seed_cognito(const SeedJob& job, SeedSink& sink);
void seed_eventbridge(const SeedJob& job, SeedSink& sink);
void seed_secretsmanager(const SeedJob& job, SeedSink& sink);

// Soft resets (seed/reset_aws.cpp).
// moto: POST /moto-api/reset drops every resource at once; then the service's seed again.
void reset_moto(const ServiceSeedJob& job, SeedSink& sink);
// LocalStack community has no state-reset endpoint (that is a Pro plugin): every table, queue,
// parameter, bucket, secret, event bus and rule, and user pool is deleted, declared or not,
// then the service's seed is applied again.
void reset_localstack(const ServiceSeedJob& job, SeedSink& sink);
// The deletion half of reset_localstack, reported as `removed` (exposed for tests). False when
// something could not be deleted (reported as failed) or the run was interrupted.
bool delete_all_aws_resources(const SeedTarget& target, const std::string& service, SeedSink& sink);
// MinIO: every bucket deleted (all object versions first), then the service's seed applied again.
void reset_minio(const ServiceSeedJob& job, SeedSink& sink);

}  // namespace devenv

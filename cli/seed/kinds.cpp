// Every seed kind devenv knows. Adding a kind: write its file (its schema, checks, seed, reset)
// in the family's folder, declare its row here and add it to the table (docs/architecture.md).
#include "seed/kinds.hpp"

namespace devenv {

// aws/: LocalStack, moto (s3 also MinIO)
extern const SeedKind dynamodb_kind;
extern const SeedKind sqs_kind;
extern const SeedKind sns_kind;
extern const SeedKind ssm_kind;
extern const SeedKind s3_kind;
extern const SeedKind cognito_kind;
extern const SeedKind eventbridge_kind;
extern const SeedKind secretsmanager_kind;
// sql/, kv/, kafka/, http/, doc/
extern const SeedKind postgres_kind;
extern const SeedKind redis_kind;
extern const SeedKind kafka_kind;
extern const SeedKind schema_registry_kind;
extern const SeedKind connect_kind;
extern const SeedKind vault_kind;
extern const SeedKind mongodb_kind;
// builtin/
extern const SeedKind exec_kind;

namespace {
const SeedKind* const kKinds[] = {
    &dynamodb_kind, &sqs_kind,   &sns_kind,   &ssm_kind,   &s3_kind,          &cognito_kind,
    &eventbridge_kind, &secretsmanager_kind, &postgres_kind, &redis_kind, &kafka_kind, &schema_registry_kind,
    &connect_kind,  &vault_kind, &mongodb_kind, &exec_kind,
};
}  // namespace

std::span<const SeedKind* const> seed_kinds() { return kKinds; }

const SeedKind* find_seed_kind(std::string_view name) {
    for (const SeedKind* k : kKinds)
        if (k->name == name) return k;
    return nullptr;
}

std::vector<std::string> seed_kind_names() {
    std::vector<std::string> out;
    for (const SeedKind* k : kKinds) out.emplace_back(k->name);
    return out;
}

}  // namespace devenv

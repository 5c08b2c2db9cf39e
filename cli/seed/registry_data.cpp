#include "seed/registry.hpp"
#include "seed/seeders_data.hpp"

namespace devenv {

namespace {
const SeederEntry kSeeders[] = {
    {"postgres", seed_postgres},
    {"redis", seed_redis},
    {"kafka", seed_kafka},
    {"connect", seed_connect},
    {"schema_registry", seed_schema_registry},
    {"vault", seed_vault},
    {"mongodb", seed_mongodb},
};
const ResetStrategy kResets[] = {
    {"postgres", after_seed_postgres, reset_postgres},
    {"redis", nullptr, reset_redis},
    {"kafka", nullptr, reset_kafka},
    {"debezium-connect", nullptr, reset_connect},
    {"schema-registry", nullptr, reset_schema_registry},
    {"vault", nullptr, reset_vault},
    {"mongodb", nullptr, reset_mongodb},
};
}  // namespace

std::span<const SeederEntry> data_seeders() { return kSeeders; }
std::span<const ResetStrategy> data_reset_strategies() { return kResets; }

}  // namespace devenv

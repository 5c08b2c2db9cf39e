#include "seed/registry.hpp"
#include "seed/seeders_data.hpp"

namespace devenv {

namespace {
const SeederEntry kSeeders[] = {
    {"postgres", seed_postgres},
    {"redis", seed_redis},
};
const ResetStrategy kResets[] = {
    {"postgres", after_seed_postgres, reset_postgres},
    {"redis", nullptr, reset_redis},
};
}  // namespace

std::span<const SeederEntry> data_seeders() { return kSeeders; }
std::span<const ResetStrategy> data_reset_strategies() { return kResets; }

}  // namespace devenv

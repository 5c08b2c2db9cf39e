#include "seed/registry.hpp"
#include "seed/seeders_data.hpp"

namespace devenv {

namespace {
const SeederEntry kSeeders[] = {
    {"", nullptr},  // (placeholder row: arrays cannot be empty; never matches a kind)
};
const ResetStrategy kResets[] = {
    {"", nullptr, nullptr},
};
}  // namespace

std::span<const SeederEntry> data_seeders() { return kSeeders; }
std::span<const ResetStrategy> data_reset_strategies() { return kResets; }

}  // namespace devenv

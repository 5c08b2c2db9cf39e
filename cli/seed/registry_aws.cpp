#include "seed/registry.hpp"
#include "seed/seeders_aws.hpp"

namespace devenv {

namespace {
const SeederEntry kSeeders[] = {
    {"", nullptr},  // (placeholder row: arrays cannot be empty; never matches a kind)
};
const ResetStrategy kResets[] = {
    {"", nullptr, nullptr},
};
}  // namespace

std::span<const SeederEntry> aws_seeders() { return kSeeders; }
std::span<const ResetStrategy> aws_reset_strategies() { return kResets; }

}  // namespace devenv

// Soft resets of the AWS emulators. moto drops all state with one call. LocalStack community
// 4.x has no state-reset endpoint (POST /_localstack/state/reset is served by a Pro plugin,
// localstack.pro.core.persistence.reset), so everything of every seedable kind is deleted,
// declared or not (what the application added goes too), and the seed is applied again.
#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "seed/aws/emulators.hpp"
#include "seed/aws/support.hpp"
#include "seed/kinds.hpp"

namespace devenv {

using namespace aws_seed;

bool delete_all_aws_resources(const SeedTarget& target, const std::string& service, SeedSink& sink) {
    // Every kind that can purge itself; a service the emulator does not serve (LocalStack's
    // SERVICES) holds nothing: not asked.
    const auto& serves = target.service->serves;
    std::vector<const SeedKind*> kinds;
    for (const SeedKind* k : seed_kinds())
        if (k->purge && (serves.empty() || std::find(serves.begin(), serves.end(), k->aws_service) != serves.end()))
            kinds.push_back(k);
    std::vector<char> ok(kinds.size(), 0);
    parallel_for(kinds.size(), pool_options(target, kinds.size()),
                 [&](std::size_t i) { ok[i] = kinds[i]->purge(target, service, sink) ? 1 : 0; });
    return std::all_of(ok.begin(), ok.end(), [](char c) { return c != 0; }) && !interrupted(target);
}

namespace {

void reset_localstack(const ServiceSeedJob& job, SeedSink& sink) {
    const std::string& service = job.target.service->name;
    // Seeding on top of what could not be deleted would not give the seeded state.
    if (!delete_all_aws_resources(job.target, service, sink)) return;
    apply_service_seed(job, sink);
}

// MinIO holds only S3: every bucket goes (all versions first), then the seed is applied again.
void reset_minio(const ServiceSeedJob& job, SeedSink& sink) {
    if (!find_seed_kind("s3")->purge(job.target, job.target.service->name, sink)) return;
    apply_service_seed(job, sink);
}

void reset_moto(const ServiceSeedJob& job, SeedSink& sink) {
    const std::string& service = job.target.service->name;
    AwsClient c(config_for(job.target));
    AwsResult r = c.call_rest("sts", "POST", "/moto-api/reset");
    require_reachable(r, c);
    if (!r.ok()) {
        sink.add({service, "moto", "all resources", Outcome::failed, "POST /moto-api/reset: " + r.describe()});
        return;
    }
    sink.add({service, "moto", "all resources", Outcome::removed, "POST /moto-api/reset"});
    apply_service_seed(job, sink);
}

const ResetStrategy kStrategies[] = {
    {"moto", {}, reset_moto},
    {"localstack", {}, reset_localstack},
    {"minio", {}, reset_minio},
};

}  // namespace

std::span<const ResetStrategy> emulator_reset_strategies() { return kStrategies; }

}  // namespace devenv

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "aws/client.hpp"
#include "aws/ping.hpp"
#include "net/http.hpp"
#include "probe/probe.hpp"
#include "probe/short_detail.hpp"
#include "util/thread_group.hpp"

namespace devenv {

ProbeResult probe_aws(const ProbeSpec& spec, ProbeContext& ctx) {
    using namespace std::chrono;
    // The context's client outlives this attempt, so the connection stays open between attempts.
    if (!ctx.http) ctx.http = std::make_unique<HttpClient>();
    AwsConfig config;
    config.endpoint = fmt::format("http://{}:{}", spec.host, spec.port);
    config.region = spec.region;
    config.max_attempts = 1;  // the wait loop is the retry
    // A lazily loading LocalStack service may hold the first call for seconds; a later attempt
    // finds it loaded, so one attempt need not wait the whole deadline.
    config.timeout = std::min(milliseconds{5000}, spec.timeout);
    config.connect_timeout = std::min(milliseconds{1000}, spec.timeout);
    AwsClient client(std::move(config), *ctx.http);

    std::vector<std::string_view> wanted(spec.aws_services.begin(), spec.aws_services.end());
    if (wanted.empty()) wanted.push_back("sts");  // every emulator answers STS
    // A misspelt service is a profile error; say so before touching the network.
    for (auto service : wanted) {
        auto known = pingable_aws_services();
        if (std::find(known.begin(), known.end(), service) == known.end())
            ping_aws_service(client, service);  // throws Error(profile) naming the known services
    }

    ProbeResult result;
    auto start = steady_clock::now();
    auto failure = [&](std::string_view service, const AwsResult& r) {
        // Same wording as the other probes for transport failures ("connection refused").
        result.detail = fmt::format("{}: {}", service, r.status == 0 ? short_detail(r.message) : r.describe());
        result.latency = duration_cast<microseconds>(steady_clock::now() - start);
        return result;
    };
    // The first on the kept connection: while the emulator is not listening yet, that is all.
    if (AwsResult r = ping_aws_service(client, wanted.front()); !r.ok()) return failure(wanted.front(), r);
    // The others at once, each on its own connection: a lazily loading emulator loads them in
    // parallel, and the answer takes the slowest call, not the sum.
    std::vector<AwsResult> results(wanted.size());
    ThreadGroup threads;
    for (std::size_t i = 1; i < wanted.size(); ++i)
        threads.spawn([&, i] {
            AwsClient own(client.config());
            results[i] = ping_aws_service(own, wanted[i]);
        });
    threads.join();
    for (std::size_t i = 1; i < wanted.size(); ++i)
        if (!results[i].ok()) return failure(wanted[i], results[i]);
    result.ready = true;
    result.detail = fmt::format("{} answered", fmt::join(wanted, ", "));
    result.latency = duration_cast<microseconds>(steady_clock::now() - start);
    return result;
}

}  // namespace devenv

// The aws probe: a signed read of each listed service answers; with `init_stage`, LocalStack's
// init hooks of that stage then report done.
#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "aws/client.hpp"
#include "aws/ping.hpp"
#include "net/http.hpp"
#include "probe/kind.hpp"
#include "probe/short_detail.hpp"
#include "util/thread_group.hpp"

namespace devenv {

namespace {

using namespace schema;

std::vector<Field> fields() {
    return {
        opt("services", list(string())),
        opt("init_stage", choice({"boot", "start", "ready"})),
    };
}

// LocalStack's GET /_localstack/init/STAGE: {"completed": bool, "scripts": [{"stage", "name",
// "state": INACTIVE|RUNNING|SUCCESSFUL|ERROR}]}. Not ready until the stage completed; a script in
// ERROR fails the wait at once (its output is in the container log, which the failure shows).
void check_init_stage(const ProbeCall& call, const std::string& stage, HttpClient& http, ProbeResult& result) {
    HttpRequest req;
    req.url = fmt::format("http://{}:{}/_localstack/init/{}", call.endpoint.host, call.endpoint.port, stage);
    req.timeout = std::min(std::chrono::milliseconds{5000}, call.spec.timeout);
    req.connect_timeout = std::min(std::chrono::milliseconds{1000}, call.spec.timeout);
    HttpResponse r = http.send(req);
    result.ready = false;
    if (!r.ok()) {
        result.detail = fmt::format("{} init hooks: {}", stage, short_detail(r.error));
        return;
    }
    // An emulator without init hooks (moto) has no such path: nothing to wait for.
    if (r.status == 404) {
        result.ready = true;
        return;
    }
    auto doc = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (r.status != 200 || !doc.is_object()) {
        result.detail = fmt::format("{} init hooks: HTTP {}", stage, r.status);
        return;
    }
    std::vector<std::string> failed, pending;
    for (const auto& s : doc.value("scripts", nlohmann::json::array())) {
        if (!s.is_object()) continue;
        std::string name = s.value("name", std::string("?"));
        std::string state = s.value("state", std::string());
        if (state == "ERROR") failed.push_back(name);
        else if (state != "SUCCESSFUL") pending.push_back(name);
    }
    if (!failed.empty()) {
        result.fatal = true;
        result.detail = fmt::format("init hook{} {} in {}.d failed (its output is in the log below)",
                                    failed.size() == 1 ? "" : "s", fmt::join(failed, ", "), stage);
        return;
    }
    const auto& completed = doc["completed"];
    if (!completed.is_boolean() || !completed.get<bool>()) {
        result.detail = pending.empty() ? fmt::format("{} init hooks have not run yet", stage)
                                        : fmt::format("{} init hooks running: {}", stage, fmt::join(pending, ", "));
        return;
    }
    result.ready = true;
    result.detail += fmt::format("; {} init hooks done", stage);
}

ProbeResult check(const ProbeCall& call) {
    using namespace std::chrono;
    const ProbeSpec& spec = call.spec;
    ProbeContext& ctx = call.ctx;
    std::vector<std::string> services = probe_texts(spec, "services");
    std::string init_stage = probe_text(spec, "init_stage");
    // The context's client outlives this attempt, so the connection stays open between attempts.
    bool first_attempt = !ctx.http;
    if (!ctx.http) ctx.http = std::make_unique<HttpClient>();
    AwsConfig config;
    config.endpoint = fmt::format("http://{}:{}", call.endpoint.host, call.endpoint.port);
    config.region = call.endpoint.region;
    config.max_attempts = 1;  // the wait loop is the retry
    // A lazily loading LocalStack service may hold the first call for seconds; a later attempt
    // finds it loaded, so one attempt need not wait the whole deadline.
    config.timeout = std::min(milliseconds{5000}, spec.timeout);
    config.connect_timeout = std::min(milliseconds{1000}, spec.timeout);
    AwsClient client(std::move(config), *ctx.http);

    std::vector<std::string_view> wanted(services.begin(), services.end());
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
    // Every service at once, each on its own connection: a lazily loading emulator (LocalStack)
    // loads them in parallel, and the answer takes the slowest call, not the sum. On a later
    // attempt (the wait loop polling an emulator that is not listening yet), the first service
    // on the kept connection goes first, and the others only once it answered. Each service's
    // connection is kept in the context too, so a later attempt asks on it again.
    std::vector<AwsResult> results(wanted.size());
    if (ctx.more.size() < wanted.size() - 1) ctx.more.resize(wanted.size() - 1);
    for (auto& h : ctx.more)
        if (!h) h = std::make_unique<HttpClient>();
    ThreadGroup threads;
    auto ask_others = [&] {
        for (std::size_t i = 1; i < wanted.size(); ++i)
            threads.spawn([&, i] {
                AwsClient own(client.config(), *ctx.more[i - 1]);
                results[i] = ping_aws_service(own, wanted[i]);
            });
    };
    if (first_attempt) ask_others();
    results[0] = ping_aws_service(client, wanted.front());
    if (!first_attempt && results[0].ok()) ask_others();
    threads.join();
    if (!results[0].ok()) return failure(wanted.front(), results[0]);
    for (std::size_t i = 1; i < wanted.size(); ++i)
        if (!results[i].ok()) return failure(wanted[i], results[i]);
    result.ready = true;
    result.detail = fmt::format("{} answered", fmt::join(wanted, ", "));
    if (!init_stage.empty()) check_init_stage(call, init_stage, *ctx.http, result);
    result.latency = duration_cast<microseconds>(steady_clock::now() - start);
    return result;
}

void describe(const ProbeSpec& spec, Value& out) {
    Value s = Value::sequence();
    for (const auto& a : probe_texts(spec, "services")) s.push_back(Value::string(a));
    out.set("services", s);
}

}  // namespace

extern const ProbeKind aws_probe{
    .decl = {.name = "aws", .article = "an", .needs_port = true, .fields = fields},
    .check = check,
    .describe = describe,
};

}  // namespace devenv

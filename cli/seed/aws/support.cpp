#include "seed/aws/support.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "util/digest.hpp"

namespace devenv::aws_seed {

AwsConfig config_for(const SeedTarget& target) {
    AwsConfig cfg;
    const Service& s = *target.service;
    cfg.endpoint = fmt::format("http://{}:{}", s.endpoint.host, s.endpoint.port);
    cfg.region = s.endpoint.region.empty() ? "us-east-1" : s.endpoint.region;
    if (s.template_name == "minio") {
        // MinIO authenticates with its root user; the probe is plain HTTP and has no region.
        cfg.credentials.access_key_id = text(s.params.find("root_user"), "minioadmin");
        cfg.credentials.secret_access_key = text(s.params.find("root_password"), "minioadmin");
        cfg.region = text(s.params.find("region"), "us-east-1");
    }
    return cfg;
}

bool interrupted(const SeedTarget& target) { return target.interrupted && target.interrupted->load(); }

ParallelOptions pool_options(const SeedTarget& target, std::size_t max_workers) {
    return ParallelOptions{max_workers, target.interrupted};
}

ClientPerWorker client_per_worker(const SeedTarget& target) { return ClientPerWorker{config_for(target)}; }

void require_reachable(const AwsResult& r, const AwsClient& client) {
    if (r.status != 0) return;
    throw Error(ErrorKind::seed, fmt::format("cannot reach the AWS endpoint {}: {}", client.config().endpoint, r.message));
}

std::string failure_detail(const AwsResult& r, const Value* at) {
    std::string d = r.describe();
    if (at && at->mark().known()) {
        SourceLocation loc = at->mark().location();
        d += fmt::format(" (declared at {}:{}:{})", loc.file, loc.line, loc.column);
    }
    return d;
}

void report(SeedSink& sink, const SeedJob& job, std::string resource, Outcome outcome, std::string detail) {
    sink.add({job.decl->service, job.decl->kind, std::move(resource), outcome, std::move(detail)});
}

std::string env_name(std::string_view prefix, std::string_view name) {
    std::string out(prefix);
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        out += std::isalnum(u) ? static_cast<char>(std::toupper(u)) : '_';
    }
    return out;
}

bool flag(const Value* v, bool fallback) {
    if (!v || v->is_null()) return fallback;
    if (v->type() == Value::Type::boolean) return v->as_bool();
    return v->text() == "true";
}

long long integer(const Value* v, long long fallback) {
    if (!v || v->is_null()) return fallback;
    if (v->type() == Value::Type::integer) return v->as_int();
    try {
        return std::stoll(v->text());
    } catch (const std::exception&) {
        return fallback;
    }
}

std::string text(const Value* v, std::string fallback) {
    if (!v || v->is_null()) return fallback;
    return v->text();
}

std::string md5_hex(std::string_view data) { return hex(md5(data)); }

std::string md5_base64(std::string_view data) { return base64(md5(data)); }

bool backoff(const SeedTarget& target, int attempt) {
    if (interrupted(target)) return false;
    auto ms = std::min(2000, 50 << std::min(attempt, 6));
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return !interrupted(target);
}

}  // namespace devenv::aws_seed

namespace devenv::aws_seed {

using nlohmann::json;

std::string jstr(const nlohmann::json& j, std::string_view key) {
    if (!j.is_object()) return {};
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The ARN of a queue by name (declared under sqs, which is seeded first).
std::string queue_arn(AwsClient& c, const std::string& name, std::string& error) {
    AwsResult u = c.call_json("sqs", "GetQueueUrl", {{"QueueName", name}});
    require_reachable(u, c);
    if (!u.ok()) {
        error = fmt::format("queue {}: {} (declare it under seed.SERVICE.sqs)", name, u.describe());
        return {};
    }
    AwsResult a = c.call_json("sqs", "GetQueueAttributes",
                              {{"QueueUrl", jstr(u.json(), "QueueUrl")}, {"AttributeNames", json::array({"QueueArn"})}});
    require_reachable(a, c);
    if (!a.ok()) {
        error = fmt::format("queue {}: {}", name, a.describe());
        return {};
    }
    return jstr(a.json()["Attributes"], "QueueArn");
}

void AwsPurge::removed(std::string resource) {
    sink_.add({service_, std::string(kind_), std::move(resource), Outcome::removed, "reset"});
}

void AwsPurge::failed(std::string resource, const AwsResult& r) {
    ++failures_;
    sink_.add({service_, std::string(kind_), std::move(resource), Outcome::failed, "reset: " + r.describe()});
}

bool AwsPurge::list_failed(const AwsResult& r, const AwsClient& c) {
    require_reachable(r, c);
    if (r.ok()) return false;
    // A listing that fails because the emulator does not serve the API (LocalStack community has
    // no Cognito; SERVICES may leave some out) means there is nothing of that kind to delete.
    bool absent_api = r.status == 501 || r.status == 404 || r.code == "InternalFailure" ||
                      r.code == "NotImplemented" || r.code == "UnknownOperationException" ||
                      r.code == "ServiceUnavailable";
    if (!absent_api) failed(fmt::format("list of {}", kind_), r);
    return true;
}

void AwsPurge::each(const std::function<bool(AwsClient&, std::vector<std::string>&)>& list,
                    const std::function<void(AwsClient&, const std::string&)>& del) {
    AwsClient c(config_for(target_));
    std::vector<std::string> names;
    if (!list(c, names)) return;
    parallel_for(names.size(), pool_options(target_, 4), client_per_worker(target_),
                 [&](AwsClient& cl, std::size_t i) { del(cl, names[i]); });
}

bool AwsPurge::ok() const { return failures_ == 0 && !interrupted(target_); }

}  // namespace devenv::aws_seed

// The `secretsmanager` seed kind: secrets with a string value, or a mapping (or list) stored as
// JSON. A different current value gets a new version (PutSecretValue); secrets are seeded
// concurrently.
#include <cstdint>
#include <random>

#include <fmt/format.h>

#include "seed/aws/support.hpp"
#include "seed/kind.hpp"
#include "seed/check.hpp"

namespace devenv {

namespace {

using nlohmann::json;
using namespace aws_seed;

constexpr std::string_view kService = "secretsmanager";

// ClientRequestToken, the version id of CreateSecret and PutSecretValue: an idempotency token
// that AWS SDKs fill in by themselves. LocalStack requires it (400 InvalidRequestException "You
// must provide a ClientRequestToken value"); moto makes one up. A random UUID (version 4).
std::string request_token() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uint64_t hi = rng(), lo = rng();
    hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
    lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
    return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                       lo & 0xFFFFFFFFFFFFull);
}

std::string secret_string(const Value& v) { return v.is_scalar() ? v.text() : v.to_json().dump(); }

// JSON values compare as JSON (key order and spacing do not matter).
bool same_value(const Value& declared, const std::string& have) {
    if (declared.is_scalar()) return declared.text() == have;
    try {
        return json::parse(have) == declared.to_json();
    } catch (const json::exception&) {
        return false;
    }
}

json put_value(const std::string& name, const Value& value) {
    return {{"SecretId", name}, {"SecretString", secret_string(value)}, {"ClientRequestToken", request_token()}};
}

void seed_secret(const SeedJob& job, SeedSink& sink, AwsClient& c, const Value& s) {
    std::string name = text(s.find("name"));
    std::string resource = "secret " + name;
    const Value& value = *s.find("value");
    std::string desc = text(s.find("description"));

    AwsResult g = c.call_json(kService, "GetSecretValue", {{"SecretId", name}});
    require_reachable(g, c);
    if (g.ok()) {
        if (same_value(value, jstr(g.json(), "SecretString"))) return report(sink, job, resource, Outcome::unchanged);
        AwsResult p = c.call_json(kService, "PutSecretValue", put_value(name, value));
        require_reachable(p, c);
        if (!p.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(p, &value));
        return report(sink, job, resource, Outcome::updated, "value differed");
    }
    // A secret scheduled for deletion still holds its name: bring it back, then set the value.
    if (g.code == "InvalidRequestException") {
        AwsResult r = c.call_json(kService, "RestoreSecret", {{"SecretId", name}});
        require_reachable(r, c);
        if (!r.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(r, &s));
        AwsResult p = c.call_json(kService, "PutSecretValue", put_value(name, value));
        require_reachable(p, c);
        if (!p.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(p, &value));
        return report(sink, job, resource, Outcome::updated, "restored from scheduled deletion");
    }
    if (g.code != "ResourceNotFoundException") return report(sink, job, resource, Outcome::failed, failure_detail(g, &s));
    json in = {{"Name", name}, {"SecretString", secret_string(value)}, {"ClientRequestToken", request_token()}};
    if (!desc.empty()) in["Description"] = desc;
    AwsResult cr = c.call_json(kService, "CreateSecret", in);
    require_reachable(cr, c);
    if (!cr.ok()) return report(sink, job, resource, Outcome::failed, failure_detail(cr, &s));
    report(sink, job, resource, Outcome::created);
}

void seed_secretsmanager(const SeedJob& job, SeedSink& sink) {
    const Value* secrets = job.decl->spec.find("secrets");
    if (!secrets) return;
    const auto& list = secrets->items();
    parallel_for(list.size(), pool_options(job.target), client_per_worker(job.target),
                 [&](AwsClient& c, std::size_t i) { seed_secret(job, sink, c, list[i]); });
}

// ---- declaration --------------------------------------------------------------------------

SchemaPtr secretsmanager_schema() {
    using namespace schema;
    return object({opt("secrets", named_list({req("value", any()), opt("description", string())}))});
}

// ---- purge (LocalStack's reset) -----------------------------------------------------------

bool purge_secretsmanager(const SeedTarget& target, const std::string& service, SeedSink& sink) {
    AwsPurge p(target, service, sink, "secretsmanager");
    p.each(
        [&](AwsClient& c, std::vector<std::string>& names) {
            std::string token;
            do {
                json in = {{"MaxResults", 100}, {"IncludePlannedDeletion", true}};
                if (!token.empty()) in["NextToken"] = token;
                AwsResult r = c.call_json("secretsmanager", "ListSecrets", in);
                if (p.list_failed(r, c)) return false;
                json body = r.json();
                for (const auto& s : body.value("SecretList", json::array())) names.push_back(jstr(s, "Name"));
                token = jstr(body, "NextToken");
            } while (!token.empty());
            return true;
        },
        [&](AwsClient& c, const std::string& name) {
            AwsResult r = c.call_json("secretsmanager", "DeleteSecret",
                                      {{"SecretId", name}, {"ForceDeleteWithoutRecovery", true}});
            require_reachable(r, c);
            if (!r.ok() && r.code != "ResourceNotFoundException") return p.failed("secret " + name, r);
            p.removed("secret " + name);
        });
    return p.ok();
}

}  // namespace

extern const SeedKind secretsmanager_kind;
const SeedKind secretsmanager_kind{
    .name = "secretsmanager",
    .family = "aws",
    .summary = "secrets (strings or JSON documents)",
    .phase = 0,
    .aws_service = "secretsmanager",
    .schema = secretsmanager_schema,
    .check = nullptr,
    .seed = seed_secretsmanager,
    .purge = purge_secretsmanager,
};

}  // namespace devenv

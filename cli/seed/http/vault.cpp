// The `vault` seed kind (Vault HTTP API, the dev root token from the template): KV v2 secrets
// under the mount (default `secret`, dev mode's), compared with their current version and
// written as a new version when missing or different. Secrets are written concurrently.
#include <fmt/format.h>

#include "seed/data_support.hpp"
#include "seed/kind.hpp"

namespace devenv {

namespace {

struct SecretDecl {
    std::string path;
    nlohmann::json data;
};

std::string mount_of(const SeedJob& job) {
    const Value* kv = job.decl->spec.find("kv");
    const Value* mount = kv ? kv->find("mount") : nullptr;
    std::string m = mount ? mount->text() : "secret";
    while (!m.empty() && m.back() == '/') m.pop_back();
    return m;
}

std::vector<SecretDecl> declared_secrets(const SeedJob& job) {
    std::vector<SecretDecl> out;
    const Value* kv = job.decl->spec.find("kv");
    if (const Value* secrets = kv ? kv->find("secrets") : nullptr)
        for (const auto& e : secrets->entries()) out.push_back({e.key, e.value.to_json()});
    return out;
}

Headers token(const SeedJob& job) { return {{"X-Vault-Token", param_text(*job.target.service, "root_token", "root")}}; }

std::string vault_url(const SeedJob& job, const std::string& area, const std::string& path) {
    // Secret paths keep their slashes; each segment is encoded.
    std::string encoded;
    std::size_t pos = 0;
    while (pos <= path.size()) {
        auto slash = path.find('/', pos);
        if (slash == std::string::npos) slash = path.size();
        if (!encoded.empty()) encoded += '/';
        encoded += url_encode(path.substr(pos, slash - pos));
        pos = slash + 1;
    }
    return fmt::format("{}/v1/{}/{}/{}", base_url(job.target.service->endpoint), mount_of(job), area, encoded);
}

void seed_secret(const SeedJob& job, SeedSink& sink, const SecretDecl& s) {
    HttpClient http;
    std::string resource = "secret " + mount_of(job) + "/" + s.path;
    auto current = http_call(http, "GET", vault_url(job, "data", s.path), {}, token(job));
    Outcome outcome = Outcome::created;
    std::string detail;
    if (current.status == 200) {
        auto j = nlohmann::json::parse(current.body, nullptr, false);
        auto have = j.is_object() ? j.value(nlohmann::json::json_pointer("/data/data"), nlohmann::json()) : nlohmann::json();
        int version = j.is_object() ? j.value(nlohmann::json::json_pointer("/data/metadata/version"), 0) : 0;
        if (have == s.data && !job.force)
            return report(sink, job, resource, Outcome::unchanged, fmt::format("version {}", version));
        outcome = have == s.data ? Outcome::updated : Outcome::drift;
        std::vector<std::string> keys;
        for (auto it = s.data.begin(); it != s.data.end(); ++it)
            if (!have.is_object() || !have.contains(it.key()) || have[it.key()] != *it) keys.push_back(it.key());
        if (have.is_object())
            for (auto it = have.begin(); it != have.end(); ++it)
                if (!s.data.contains(it.key())) keys.push_back(it.key() + " (not declared)");
        std::string list;
        for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
        detail = keys.empty() ? "re-written (--force)" : fmt::format("version {} differed in {}", version, list);
    } else if (current.status != 404) {
        return report(sink, job, resource, Outcome::failed, "reading it: " + http_failure(current));
    }
    nlohmann::json body = {{"data", s.data}};
    auto r = http_call(http, "POST", vault_url(job, "data", s.path), body.dump(), token(job));
    if (r.status != 200 && r.status != 204) return report(sink, job, resource, Outcome::failed, http_failure(r));
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    int version = j.is_object() ? j.value(nlohmann::json::json_pointer("/data/version"), 0) : 0;
    std::string written = fmt::format("written as version {}", version);
    report(sink, job, resource, outcome, detail.empty() ? written : detail + "; " + written);
}

void seed_vault(const SeedJob& job, SeedSink& sink) {
    auto secrets = declared_secrets(job);
    parallel_for(secrets.size(), ParallelOptions{}, [&](std::size_t i) {
        if (!interrupted(job.target)) seed_secret(job, sink, secrets[i]);
    });
}

void unseed_vault(const SeedJob& job, SeedSink& sink) {
    HttpClient http;
    for (const auto& s : declared_secrets(job)) {
        // metadata/PATH: every version and the key itself.
        auto r = http_call(http, "DELETE", vault_url(job, "metadata", s.path), {}, token(job));
        std::string resource = "secret " + mount_of(job) + "/" + s.path;
        if (r.status / 100 == 2) report(sink, job, resource, Outcome::removed, "deleted with all versions to re-write");
        else if (r.status != 404) report(sink, job, resource, Outcome::failed, "deleting: " + http_failure(r));
    }
}

SchemaPtr vault_schema() {
    using namespace schema;
    return object({opt("kv", object({opt("mount", string()), opt("secrets", map(map(any())))}))});
}

}  // namespace

extern const SeedKind vault_kind;
const SeedKind vault_kind{
    .name = "vault",
    .family = "http",
    .summary = "KV v2 secrets under a mount",
    .schema = vault_schema,
    .seed = seed_vault,
    .reset_template = "vault",
    .unseed = unseed_vault,
};

}  // namespace devenv

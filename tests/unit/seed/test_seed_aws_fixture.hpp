#pragma once
// A seed target for the AWS seeders against the moto (or LocalStack) named by
// DEVENV_TEST_AWS_ENDPOINT, with declarations written as YAML and validated by the real schemas.
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <random>
#include <string>

#include <fmt/format.h>

#include "aws/client.hpp"
#include "profile/schema.hpp"
#include "seed/kinds.hpp"
#include "seed/seed.hpp"
#include "yaml/yaml.hpp"

namespace devenv::test {

inline const char* aws_endpoint_env() { return std::getenv("DEVENV_TEST_AWS_ENDPOINT"); }
inline bool no_aws_endpoint() { return aws_endpoint_env() == nullptr || *aws_endpoint_env() == '\0'; }

#define SEED_AWS_CASE(name)                                                                       \
    TEST_CASE(name * doctest::skip(::devenv::test::no_aws_endpoint()) *                           \
              doctest::description("needs DEVENV_TEST_AWS_ENDPOINT (a running moto)"))

// A short random suffix so that names do not collide with earlier runs or other suites.
inline std::string unique_suffix() {
    static std::mt19937 rng(std::random_device{}());
    return fmt::format("{:06x}", rng() & 0xffffff);
}

// Runs a shell command, returns its stdout (awscli as the independent checker).
inline std::string run_capture(const std::string& cmd, int* status = nullptr) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    int rc = pclose(p);
    if (status) *status = rc;
    return out;
}

struct AwsSeedFixture {
    Profile profile;
    Service service;
    std::deque<SeedDecl> decls;  // stable addresses
    std::string base_dir;        // where relative seed files resolve

    explicit AwsSeedFixture(std::string template_name = "moto") {
        std::string ep = aws_endpoint_env() ? aws_endpoint_env() : "http://127.0.0.1:4566";
        auto colon = ep.rfind(':');
        service.name = "aws";
        service.template_name = std::move(template_name);
        service.probe.kind = "aws";
        service.probe.host = ep.substr(ep.find("//") + 2, colon - ep.find("//") - 2);
        service.probe.port = std::stoi(ep.substr(colon + 1));
        service.probe.region = "us-east-1";
        service.params = Value::mapping();
        profile.name = "seed-aws-test";
        base_dir = DEVENV_SOURCE_DIR;
    }

    std::string endpoint() const { return fmt::format("http://{}:{}", service.probe.host, service.probe.port); }

    AwsClient client() const {
        AwsConfig cfg;
        cfg.endpoint = endpoint();
        return AwsClient(cfg);
    }

    SeedTarget target() const {
        SeedTarget t;
        t.profile = &profile;
        t.service = &service;
        return t;
    }

    // Parses and validates like the loader does, so the seeders see what they will in use.
    const SeedDecl& decl(const std::string& kind, const std::string& yaml) {
        SeedDecl d;
        d.service = service.name;
        d.kind = kind;
        d.spec = parse_yaml(yaml, "test-" + kind + ".yaml", base_dir);
        validate(d.spec, *find_seed_kind(kind)->schema(), "seed.aws." + kind);
        d.checked = true;
        d.base_dir = base_dir;
        decls.push_back(std::move(d));
        return decls.back();
    }

    std::vector<ResourceResult> seed(const SeedDecl& d, bool force = false, SeedSink* into = nullptr) {
        SeedSink local;
        SeedSink& sink = into ? *into : local;
        SeedFn fn = find_seeder(d.kind);
        REQUIRE(static_cast<bool>(fn));
        fn(SeedJob{target(), &d, force}, sink);
        return sink.results();
    }

    std::string aws(const std::string& args, int* status = nullptr) const {
        return run_capture(fmt::format("AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 "
                                       "aws --endpoint-url {} --output json {} 2>&1",
                                       endpoint(), args),
                           status);
    }
};

inline int count(const std::vector<ResourceResult>& rs, Outcome o) {
    int n = 0;
    for (const auto& r : rs) n += r.outcome == o;
    return n;
}

inline const ResourceResult* find_result(const std::vector<ResourceResult>& rs, const std::string& resource) {
    for (const auto& r : rs)
        if (r.resource == resource) return &r;
    return nullptr;
}

inline std::string dump(const std::vector<ResourceResult>& rs) {
    std::string out;
    for (const auto& r : rs)
        out += fmt::format("{} {} {}: {} {}\n", r.kind, r.resource, outcome_name(r.outcome), r.detail, "");
    return out;
}

}  // namespace devenv::test

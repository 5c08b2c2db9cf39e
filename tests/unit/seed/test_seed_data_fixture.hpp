#pragma once
// A one-service profile and a declaration parsed from YAML, for the data seeders' tests, plus
// small helpers: outcomes by resource, a temp folder for seed files, a shell command's output.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "profile/probe_decl.hpp"
#include "seed/kinds.hpp"
#include "seed/seed.hpp"
#include "test_helpers.hpp"
#include "util/strings.hpp"
#include "yaml/yaml.hpp"

namespace devenv::seed_data_test {

using devenv::test::env;

inline std::string unique_suffix() {
    static std::mt19937 rng(std::random_device{}());
    return std::to_string(rng() % 1000000);
}

// stdout of a shell command (test-side only: independent clients such as psql, redis-cli).
inline std::string shell(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

// What one run reported (SeedSink itself cannot be moved).
struct Run {
    std::vector<ResourceResult> list;
    nlohmann::json rec;
    std::vector<ResourceResult> results() const { return list; }
    nlohmann::json recorded() const { return rec; }
    bool any_failed() const {
        for (const auto& r : list)
            if (r.outcome == Outcome::failed) return true;
        return false;
    }
};
inline Run snapshot(const SeedSink& s) { return Run{s.results(), s.recorded()}; }

struct Fixture {
    Profile profile;
    std::vector<SeedDecl> decls;
    std::filesystem::path dir;  // base_dir of the declarations
    std::atomic<bool> stop{false};
    nlohmann::json state = nlohmann::json::object();
    std::function<ExecResult(const std::vector<std::string>&)> exec;

    Fixture(const std::string& template_name, ServiceProbe probe, const std::string& params_yaml = "{}") {
        dir = std::filesystem::temp_directory_path() / ("devenv-seeddata-" + unique_suffix());
        std::filesystem::create_directories(dir);
        profile.name = "test";
        profile.project = "seeddata";
        Service s;
        s.name = "svc";
        s.template_name = template_name;
        s.endpoint = std::move(probe.endpoint);
        s.probe = std::move(probe.probe);
        s.params = parse_yaml(params_yaml, "params.yaml");
        profile.services.push_back(std::move(s));
    }
    ~Fixture() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }

    Service& service() { return profile.services.front(); }

    void write(const std::string& rel, const std::string& content) {
        auto p = dir / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << content;
    }

    // Replaces the declarations with one of `kind` parsed from YAML.
    const SeedDecl& declare(const std::string& kind, const std::string& yaml) {
        decls.clear();
        return add(kind, yaml);
    }
    const SeedDecl& add(const std::string& kind, const std::string& yaml) {
        SeedDecl d;
        d.service = "svc";
        d.kind = kind;
        d.spec = parse_yaml(yaml, (dir / "devenv.yaml").string(), dir.string());
        // Validated like the loader does, so the seeders see what they will in use.
        validate(d.spec, *find_seed_kind(kind)->schema(), "seed.svc." + kind);
        d.checked = true;
        d.base_dir = dir.string();
        decls.push_back(std::move(d));
        return decls.back();
    }

    SeedTarget target() {
        SeedTarget t;
        t.profile = &profile;
        t.service = &profile.services.front();
        t.exec = exec;
        t.state = state;
        t.interrupted = &stop;
        return t;
    }

    Run seed(bool force = false) {
        SeedSink sink;
        apply_service_seed(ServiceSeedJob{target(), pointers(), force}, sink);
        return snapshot(sink);
    }

    ServiceSeedJob service_job() { return ServiceSeedJob{target(), pointers(), false}; }

    std::vector<const SeedDecl*> pointers() {
        std::vector<const SeedDecl*> out;
        for (const auto& d : decls) out.push_back(&d);
        return out;
    }
};

// resource -> outcome name (the last report of each resource).
template <class Sink>
std::map<std::string, std::string> outcomes(const Sink& sink) {
    std::map<std::string, std::string> out;
    for (const auto& r : sink.results()) out[r.resource] = std::string(outcome_name(r.outcome));
    return out;
}

template <class Sink>
std::string detail_of(const Sink& sink, const std::string& resource) {
    for (const auto& r : sink.results())
        if (r.resource == resource) return r.detail;
    return "<no report for " + resource + ">";
}

template <class Sink>
int count(const Sink& sink, Outcome o) {
    int n = 0;
    for (const auto& r : sink.results()) n += r.outcome == o;
    return n;
}

inline double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace devenv::seed_data_test

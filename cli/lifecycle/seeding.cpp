#include "lifecycle/seeding.hpp"
#include "seed/file_digest.hpp"
#include "seed/kind.hpp"
#include "seed/kinds.hpp"
#include "util/digest.hpp"
#include "util/thread_group.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace devenv {

using Clock = std::chrono::steady_clock;

std::vector<std::vector<std::size_t>> dependency_waves(const std::vector<const Service*>& services) {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < services.size(); ++i) index[services[i]->name] = i;
    std::vector<int> level(services.size(), -1);
    // A service's level: one more than the highest of those it depends on among `services`
    // (dependency cycles are rejected when the profile loads; `guard` bounds them regardless).
    std::function<int(std::size_t, int)> level_of = [&](std::size_t i, int guard) {
        if (level[i] >= 0) return level[i];
        int l = 0;
        if (guard < static_cast<int>(services.size()))
            for (const auto& d : services[i]->depends_on)
                if (auto it = index.find(d); it != index.end() && it->second != i)
                    l = std::max(l, level_of(it->second, guard + 1) + 1);
        return level[i] = l;
    };
    std::vector<std::vector<std::size_t>> waves;
    for (std::size_t i = 0; i < services.size(); ++i) {
        auto l = static_cast<std::size_t>(level_of(i, 0));
        if (waves.size() <= l) waves.resize(l + 1);
        waves[l].push_back(i);
    }
    return waves;
}

namespace {

bool wanted(const std::vector<std::string>& only, const std::string& name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
}

// Seeding writes, and a reset deletes: only ever against this machine, or the host the engine
// publishes this project's ports on (a tcp:// or ssh:// engine, DEVENV_HOST).
void check_local(const Service& s, bool allow_remote, const std::string& engine_host) {
    if (allow_remote || s.endpoint.host.empty() || is_loopback_host(s.endpoint.host) || s.endpoint.host == engine_host) return;
    throw Error(ErrorKind::seed, fmt::format("refusing to seed or reset {}: its endpoint {} is neither on this machine "
                                             "nor on the engine's host ({})",
                                             s.name, s.endpoint.host, engine_host))
        .hint("devenv only writes to its own containers' endpoints; pass --allow-remote if you mean it");
}

struct Plan {
    std::vector<ServiceSeedJob> jobs;
    std::vector<const ResetStrategy*> strategies;  // parallel to jobs (reset: non-null)
};

// The running containers of the project, by service; each seeded service must have one. The
// list call alone says which run and their ids: no inspect per container.
std::map<std::string, ContainerInfo> running_containers(Environment& env) {
    std::map<std::string, ContainerInfo> out;
    for (auto& c : env.api().list_project_brief(env.profile.project))
        if (c.state == "running" && !out.count(c.service)) out[c.service] = c;
    return out;
}

SeedTarget target_for(Environment& env, const Service& s, const std::map<std::string, ContainerInfo>& running,
                      const nlohmann::json& seeded, const SeedRunOptions& opts) {
    SeedTarget t;
    t.profile = &env.profile;
    t.service = &s;
    t.interrupted = opts.interrupted;
    if (seeded.contains(s.name) && seeded[s.name].is_object()) t.state = seeded[s.name];
    if (auto it = running.find(s.name); it != running.end()) {
        std::string id = it->second.id;
        t.exec = [id, engine = env.engine.address](const std::vector<std::string>& argv) {
            DockerApi api(engine);  // seeders run in threads; one client each call keeps them independent
            return api.exec(id, argv, ExecOptions{});
        };
    }
    return t;
}

SeedRunResult run(Environment& env, const SeedRunOptions& opts, bool reset) {
    auto t0 = Clock::now();
    SeedRunResult result;
    result.command = reset ? "reset" : "seed";
    ProjectLock lock(env.dir, result.command, std::chrono::seconds(10));
    auto running = running_containers(env);
    auto rec = read_state(env.dir).value_or(StateRecord{});

    // Which services, with which declarations.
    std::vector<const Service*> services;
    for (const auto& s : env.profile.services) {
        if (!wanted(opts.services, s.name)) continue;
        bool has_decl = std::any_of(env.profile.seeds.begin(), env.profile.seeds.end(), [&](const SeedDecl& d) {
            return d.service == s.name && (!opts.only_kind || d.kind == *opts.only_kind);
        });
        bool resettable = reset && !s.job && !opts.only_kind && find_reset_strategy(s.template_name);  // a job has exited
        if (has_decl || resettable) services.push_back(&s);
    }
    for (const Service* s : services) {
        check_local(*s, opts.allow_remote, env.engine.host);
        if (!running.count(s->name))
            throw Error(ErrorKind::not_ready, fmt::format("{} has no running container in project {}", s->name,
                                                          env.profile.project))
                .hint("start the environment with `devenv up` first");
    }

    SeedSink sink(opts.on_result);
    std::vector<std::chrono::microseconds> took(services.size());
    auto run_one = [&](std::size_t i) {
        auto ts = Clock::now();
        const Service& s = *services[i];
        ServiceSeedJob job;
        job.target = target_for(env, s, running, rec.seeded, opts);
        job.force = opts.force;
        for (const auto& d : env.profile.seeds)
            if (d.service == s.name && (!opts.only_kind || d.kind == *opts.only_kind)) job.decls.push_back(&d);
        const ResetStrategy* strategy = find_reset_strategy(s.template_name);
        try {
            if (reset) {
                if (!strategy || !strategy->reset)
                    sink.add({s.name, "reset", s.name, Outcome::failed,
                              fmt::format("template '{}' has no soft reset", s.template_name.empty() ? "(raw service)" : s.template_name)});
                else
                    strategy->reset(job, sink);
            } else {
                apply_service_seed(job, sink);
            }
            bool service_failed = false;
            for (const auto& r : sink.results())
                if (r.service == s.name && r.outcome == Outcome::failed) service_failed = true;
            // A complete seed is what reset restores to: let the strategy capture it. (A reset
            // restores from that capture; a strategy that had to re-seed captures again itself.)
            if (!reset && !service_failed && !opts.only_kind && strategy && strategy->after_seed)
                strategy->after_seed(job, sink);
        } catch (const Error& e) {
            sink.add({s.name, reset ? "reset" : "seed", s.name, Outcome::failed, e.message()});
        }
        took[i] = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - ts);
    };
    // Services in dependency order, those of one level concurrently: a Debezium connector is
    // registered after PostgreSQL's publication exists, and reset after PostgreSQL's database was
    // recreated (else it snapshots the old one, or its new slot is dropped with it).
    for (const auto& wave : dependency_waves(services)) {
        ThreadGroup threads;
        for (std::size_t i : wave) threads.spawn([&run_one, i] { run_one(i); });
        threads.join();
    }

    result.results = sink.results();
    for (std::size_t i = 0; i < services.size(); ++i) {
        ServiceSeedSummary sum;
        sum.service = services[i]->name;
        sum.took = took[i];
        for (const auto& r : result.results) {
            if (r.service != sum.service) continue;
            switch (r.outcome) {
            case Outcome::created: ++sum.created; break;
            case Outcome::updated: ++sum.updated; break;
            case Outcome::unchanged: ++sum.unchanged; break;
            case Outcome::drift: ++sum.drift; break;
            case Outcome::removed: ++sum.removed; break;
            case Outcome::failed: ++sum.failed; break;
            case Outcome::ran: ++sum.ran; break;
            }
        }
        result.ok = result.ok && sum.failed == 0;
        result.services.push_back(sum);
    }
    if (opts.interrupted && opts.interrupted->load()) result.ok = false;

    // Record identifiers (kept from earlier runs unless replaced), and whether the whole seed is in.
    nlohmann::json got = sink.recorded();
    for (auto& [svc, vals] : got.items())
        for (auto& [k, v] : vals.items()) {
            if (k == "_reset" && v.is_object()) {
                for (auto& [rk, rv] : v.items()) rec.seeded[svc]["_reset"][rk] = rv;  // per key: a partial run keeps the rest
                continue;
            }
            if (rec.seeded.contains(svc) && rec.seeded[svc].contains(k) && rec.seeded[svc][k] != v)
                result.changed_exports.push_back(k);
            rec.seeded[svc][k] = v;
        }
    bool complete = result.ok && opts.services.empty() && !opts.only_kind;
    if (complete) rec.seed_hash = seed_fingerprint(env.profile);
    else if (!result.ok) rec.seed_hash.clear();
    if (rec.project.empty()) rec.project = env.profile.project;
    write_state(env.dir, rec);
    result.took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
    return result;
}

}  // namespace

SeedRunResult seed_environment(Environment& env, const SeedRunOptions& opts) { return run(env, opts, false); }

SeedRunResult reset_environment(Environment& env, const SeedRunOptions& opts) { return run(env, opts, true); }

// The declarations, and the version (size, modification time, inode) of every file they name:
// a changed file makes `up` seed again, and deciding reads no file (an items_file of 100,000
// items costs one stat()).
std::string seed_fingerprint(const Profile& p) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& d : p.seeds) {
        nlohmann::json files = nlohmann::json::array();
        if (const SeedKind* k = find_seed_kind(d.kind); k && k->files) {
            std::vector<const Value*> named;
            k->files(d.spec, named);
            for (const Value* f : named) {
                if (!f) continue;
                std::string path = seed_file_path(d, f->text(), *f);
                if (path.empty()) continue;  // embedded in the binary: the declaration says it all
                auto stamp = stamp_of(path);
                files.push_back({path, stamp ? stamp->to_json() : nlohmann::json()});
            }
        }
        j.push_back({d.service, d.kind, d.base_dir, d.spec.to_json(), files});
    }
    return sha256_hex(j.dump());
}

std::vector<Export> seeded_exports(const Environment& env, const std::vector<std::string>& services) {
    std::vector<Export> out;
    auto rec = read_state(env.dir);
    if (!rec) return out;
    for (const auto& s : env.profile.services) {
        if (!wanted(services, s.name) || !rec->seeded.contains(s.name)) continue;
        for (const auto& [k, v] : rec->seeded[s.name].items())
            if (k != "_reset" && v.is_string()) out.push_back({k, v.get<std::string>(), false});
    }
    return out;
}

}  // namespace devenv

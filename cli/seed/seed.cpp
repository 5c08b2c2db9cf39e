#include "seed/seed.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <cstring>

#include <fmt/format.h>

#include "assets/assets.hpp"
#include "profile/discover.hpp"
#include "seed/kinds.hpp"
#include "util/thread_group.hpp"

namespace devenv {

std::string_view outcome_name(Outcome o) {
    switch (o) {
    case Outcome::created: return "created";
    case Outcome::updated: return "updated";
    case Outcome::unchanged: return "unchanged";
    case Outcome::drift: return "drift";
    case Outcome::removed: return "removed";
    case Outcome::failed: return "failed";
    case Outcome::ran: return "ran";
    }
    return "?";
}

void SeedSink::add(ResourceResult r) {
    std::lock_guard<std::mutex> lock(mu_);
    if (on_result_) on_result_(r);
    results_.push_back(std::move(r));
}

void SeedSink::record(const std::string& service, const std::string& name, const std::string& value) {
    std::lock_guard<std::mutex> lock(mu_);
    recorded_[service][name] = value;
}

void SeedSink::remember(const std::string& service, const std::string& key, nlohmann::json value) {
    std::lock_guard<std::mutex> lock(mu_);
    recorded_[service]["_reset"][key] = std::move(value);
}

std::vector<ResourceResult> SeedSink::results() const {
    std::lock_guard<std::mutex> lock(mu_);
    return results_;
}

nlohmann::json SeedSink::recorded() const {
    std::lock_guard<std::mutex> lock(mu_);
    return recorded_;
}

bool SeedSink::any_failed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return std::any_of(results_.begin(), results_.end(), [](const ResourceResult& r) { return r.outcome == Outcome::failed; });
}

namespace {

Error file_error(const Value& at, std::string message) {
    if (at.mark().known()) return Error(ErrorKind::seed, std::move(message), at.mark().location());
    return Error(ErrorKind::seed, std::move(message));
}

std::string normalized(const std::string& base, const std::string& path) {
    return std::filesystem::path(base.empty() ? path : base + "/" + path).lexically_normal().generic_string();
}

}  // namespace

// Paths are relative to the file that names them: a project's profile that extends a built-in one
// adds its own files to the same seed block, so the block's folder alone is not enough.
std::string base_dir_of(const SeedDecl& decl, const Value& at) {
    return at.mark().file ? at.mark().file->base_dir : decl.base_dir;
}

std::string read_seed_file(const SeedDecl& decl, const std::string& path, const Value& at) {
    std::string base = base_dir_of(decl, at);
    if (base.empty()) {
        // Built-in profiles: files live beside them in the embedded profiles/ folder.
        std::string key = normalized("profiles", path);
        if (auto a = find_asset(key)) return std::string(*a);
        throw file_error(at, fmt::format("built-in seed file {} does not exist", key));
    }
    std::string full = std::filesystem::path(path).is_absolute() ? path : normalized(base, path);
    if (auto text = read_file(full)) return *text;
    throw file_error(at, fmt::format("cannot read seed file {}: {}", full, std::strerror(errno)));
}

std::string seed_file_path(const SeedDecl& decl, const std::string& path, const Value& at) {
    std::string base = base_dir_of(decl, at);
    if (base.empty()) return {};
    return std::filesystem::path(path).is_absolute() ? path : normalized(base, path);
}

SeedFileRef locate_seed_file(const SeedDecl& decl, const std::string& path, const Value& at) {
    std::string base = base_dir_of(decl, at);
    if (base.empty()) {
        std::string key = normalized("profiles", path);
        if (auto a = find_asset(key)) return {"", *a};
        throw file_error(at, fmt::format("built-in seed file {} does not exist", key));
    }
    std::string full = std::filesystem::path(path).is_absolute() ? path : normalized(base, path);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(full, ec))
        throw file_error(at, fmt::format("cannot read seed file {}: {}", full,
                                         ec ? ec.message() : std::filesystem::exists(full) ? "not a regular file"
                                                                                            : std::strerror(ENOENT)));
    return {full, {}};
}

std::unique_ptr<std::istream> open_seed_file(const SeedDecl& decl, const std::string& path, const Value& at) {
    SeedFileRef ref = locate_seed_file(decl, path, at);
    if (ref.path.empty()) return std::make_unique<std::istringstream>(std::string(ref.embedded));
    auto in = std::make_unique<std::ifstream>(ref.path, std::ios::binary);
    if (!*in) throw file_error(at, fmt::format("cannot read seed file {}: {}", ref.path, std::strerror(errno)));
    return in;
}

std::vector<SeedFolderEntry> list_seed_folder(const SeedDecl& decl, const std::string& path, const Value& at) {
    std::vector<SeedFolderEntry> out;
    std::string base = base_dir_of(decl, at);
    if (base.empty()) {
        std::string prefix = normalized("profiles", path) + "/";
        for (const auto& a : embedded_assets())
            if (std::string_view(a.path).substr(0, prefix.size()) == prefix)
                out.push_back({std::string(a.path).substr(prefix.size()), {}, std::string_view(a.content)});
        if (out.empty()) throw file_error(at, fmt::format("built-in seed folder {} is empty or missing", prefix));
    } else {
        namespace fs = std::filesystem;
        fs::path root = fs::path(path).is_absolute() ? fs::path(path) : fs::path(normalized(base, path));
        std::error_code ec;
        if (!fs::is_directory(root, ec)) throw file_error(at, fmt::format("seed folder {} does not exist", root.string()));
        for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
             it.increment(ec)) {
            if (!it->is_regular_file()) continue;
            out.push_back({fs::relative(it->path(), root).generic_string(), it->path().string(), {}});
        }
        if (ec) throw file_error(at, fmt::format("cannot list seed folder {}: {}", root.string(), ec.message()));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    return out;
}

std::vector<std::pair<std::string, std::string>> read_seed_folder(const SeedDecl& decl, const std::string& path,
                                                                  const Value& at) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& e : list_seed_folder(decl, path, at)) {
        if (e.path.empty()) {
            out.emplace_back(std::move(e.key), std::string(e.embedded));
            continue;
        }
        auto text = read_file(e.path);
        if (!text) throw file_error(at, fmt::format("cannot read seed file {}: {}", e.path, std::strerror(errno)));
        out.emplace_back(std::move(e.key), std::move(*text));
    }
    return out;
}

SeedFn find_seeder(std::string_view kind) {
    const SeedKind* k = find_seed_kind(kind);
    return k ? k->seed : nullptr;
}

std::vector<const SeedDecl*> decls_of(const ServiceSeedJob& job, std::string_view kind) {
    std::vector<const SeedDecl*> out;
    for (const SeedDecl* d : job.decls)
        if (d->kind == kind) out.push_back(d);
    return out;
}

namespace {

// The reset of a kind with no reset of its own: what its declarations declare is deleted, then
// the service's seed is applied again.
void unseed_and_reseed(const ServiceSeedJob& job, SeedSink& sink, const SeedKind& kind) {
    for (const SeedDecl* d : decls_of(job, kind.name)) {
        if (job.target.interrupted && job.target.interrupted->load()) return;
        kind.unseed(SeedJob{job.target, d, false}, sink);
    }
    if (job.target.interrupted && job.target.interrupted->load()) return;
    apply_service_seed(job, sink);
}

std::vector<ResetStrategy> all_reset_strategies() {
    std::vector<ResetStrategy> out(emulator_reset_strategies().begin(), emulator_reset_strategies().end());
    for (const SeedKind* k : seed_kinds()) {
        if (k->reset_template.empty()) continue;
        ResetStrategy s{k->reset_template, {}, {}};
        if (k->after_seed) s.after_seed = k->after_seed;
        if (k->reset) s.reset = k->reset;
        else if (k->unseed) s.reset = [k](const ServiceSeedJob& job, SeedSink& sink) { unseed_and_reseed(job, sink, *k); };
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace

const ResetStrategy* find_reset_strategy(std::string_view template_name) {
    static const std::vector<ResetStrategy> strategies = all_reset_strategies();
    for (const auto& s : strategies)
        if (s.template_name == template_name) return &s;
    return nullptr;
}

void apply_service_seed(const ServiceSeedJob& job, SeedSink& sink) {
    auto run = [&](const SeedDecl* d) {
        if (job.target.interrupted && job.target.interrupted->load()) return;
        SeedFn fn = find_seeder(d->kind);
        if (!d->checked) {
            // A seeder trusts the shape its schema gives: never run one on an unchecked block.
            sink.add({d->service, d->kind, "-", Outcome::failed,
                      "internal error: the declaration was not checked (load with load_checked_profile)"});
            return;
        }
        if (!fn) {
            sink.add({d->service, d->kind, "-", Outcome::failed,
                      fmt::format("devenv has no seeder for kind '{}'", d->kind)});
            return;
        }
        try {
            fn(SeedJob{job.target, d, job.force}, sink);
        } catch (const Error& e) {
            sink.add({d->service, d->kind, "-", Outcome::failed, e.message()});
        }
    };
    // Each kind's row gives its phase (seed/kind.hpp): the kinds of a phase run in parallel,
    // each kind's declarations in declaration order.
    int last_phase = 0;
    for (const SeedDecl* d : job.decls)
        if (const SeedKind* k = find_seed_kind(d->kind)) last_phase = std::max(last_phase, k->phase);
    auto phase_of = [](const std::string& kind) {
        const SeedKind* k = find_seed_kind(kind);
        return k ? k->phase : 0;
    };
    for (int phase = 0; phase <= last_phase; ++phase) {
        ThreadGroup threads;
        for (const SeedDecl* d : job.decls)
            if (phase_of(d->kind) == phase) threads.spawn([&run, d] { run(d); });
        threads.join();
    }
}

}  // namespace devenv

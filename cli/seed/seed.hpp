#pragma once
// Seeding: the contract between the orchestrator (lifecycle/seeding) and the seed kinds, one file
// each (seed/FAMILY/KIND.cpp, listed in seed/kinds.cpp), and the reset strategies, one per
// template: the AWS emulators' in seed/aws/emulators.cpp, the others those of the one kind their
// template seeds.
//
// A seeder makes the service hold what one declaration (seed.SERVICE.KIND) says, idempotently:
// what is missing is created, what exists and matches is `unchanged`, what exists and differs
// is `drift` (and updated where the service allows; recreated when job.force). It reports every
// resource to the sink and throws nothing for a failed resource: it reports `failed` with the
// service's own error code and message and goes on with what does not depend on it. It throws
// Error(seed) only when nothing more can be done (service unreachable).
#include <atomic>
#include <chrono>
#include <functional>
#include <istream>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/docker_api.hpp"
#include "profile/model.hpp"

namespace devenv {

// `ran`: a step that ran to completion but whose effect devenv cannot tell (an exec step): it
// is neither a change nor "unchanged", and a run with only these and unchanged resources changed
// nothing devenv knows of.
enum class Outcome { created, updated, unchanged, drift, removed, failed, ran };
std::string_view outcome_name(Outcome o);

struct ResourceResult {
    std::string service;
    std::string kind;      // "dynamodb", "sqs", ...
    std::string resource;  // "table orders", "queue orders-dlq", "role reporting"
    Outcome outcome = Outcome::unchanged;
    std::string detail;    // why it failed, what drifted
};

// Thread-safe: a seeder may report from several threads.
class SeedSink {
public:
    explicit SeedSink(std::function<void(const ResourceResult&)> on_result = {}) : on_result_(std::move(on_result)) {}
    void add(ResourceResult r);
    // An identifier the service generated (user pool id, queue URL, ARN): kept in .devenv/state.json
    // under seeded.SERVICE and exported as NAME by `devenv env` (NAME upper case, e.g.
    // COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID_WEB, SQS_QUEUE_URL_ORDERS).
    void record(const std::string& service, const std::string& name, const std::string& value);
    // Data a reset strategy keeps between runs (e.g. template database names), also in the state
    // under seeded.SERVICE._reset. Not exported.
    void remember(const std::string& service, const std::string& key, nlohmann::json value);

    std::vector<ResourceResult> results() const;
    nlohmann::json recorded() const;  // {SERVICE: {NAME: value, "_reset": {...}}}
    bool any_failed() const;

private:
    mutable std::mutex mu_;
    std::function<void(const ResourceResult&)> on_result_;
    std::vector<ResourceResult> results_;
    nlohmann::json recorded_ = nlohmann::json::object();
};

// Where one service answers and how to reach inside its container.
struct SeedTarget {
    const Profile* profile = nullptr;
    const Service* service = nullptr;  // service->endpoint has host, port, user, password, database,
                                       // region; service->params the template's other parameters
    // Runs argv in the service's container (no shell). Null when there is no container.
    std::function<ExecResult(const std::vector<std::string>& argv)> exec;
    nlohmann::json state = nlohmann::json::object();  // what the last run recorded for this service
    const std::atomic<bool>* interrupted = nullptr;
};

struct SeedJob {
    SeedTarget target;
    const SeedDecl* decl = nullptr;
    bool force = false;
};

// A file named in a declaration, relative to decl.base_dir, or from the embedded built-in
// profiles when base_dir is "". Throws Error(seed) naming the declaration's file:line:col (from
// `at`, the YAML node that named the file) when it cannot be read.
std::string read_seed_file(const SeedDecl& decl, const std::string& path, const Value& at);
// The same file as a stream, for files read piece by piece (an items_file, a COPY's data):
// opened, never read whole. Same rules and errors as read_seed_file.
std::unique_ptr<std::istream> open_seed_file(const SeedDecl& decl, const std::string& path, const Value& at);
// Where that file is: its path on disk, "" for a built-in profile's embedded file (then
// `embedded` holds its bytes). Throws like read_seed_file when it does not exist.
struct SeedFileRef {
    std::string path;
    std::string_view embedded;
};
SeedFileRef locate_seed_file(const SeedDecl& decl, const std::string& path, const Value& at);
// The path on disk that file would be read from; "" for a built-in profile's embedded file.
// Reads and checks nothing.
std::string seed_file_path(const SeedDecl& decl, const std::string& path, const Value& at);
// Every regular file below a folder (recursively), as (path relative to the folder with '/',
// bytes), sorted by path. Same rules as read_seed_file.
std::vector<std::pair<std::string, std::string>> read_seed_folder(const SeedDecl& decl, const std::string& path,
                                                                  const Value& at);

// The same folder, listed without reading the files (an S3 seed may hold large ones): each entry
// has the embedded bytes of a built-in profile's file, or the path of a file on disk.
struct SeedFolderEntry {
    std::string key;              // path relative to the folder, with '/'
    std::string path;             // the file on disk; empty for an embedded file
    std::string_view embedded;    // the bytes of an embedded file (they live as long as the binary)
};
std::vector<SeedFolderEntry> list_seed_folder(const SeedDecl& decl, const std::string& path, const Value& at);

using SeedFn = void (*)(const SeedJob& job, SeedSink& sink);
// nullptr when no seed kind has that name.
SeedFn find_seeder(std::string_view kind);

// All of one service's declarations, for reset strategies.
struct ServiceSeedJob {
    SeedTarget target;
    std::vector<const SeedDecl*> decls;  // in the order they are applied
    bool force = false;
};

// The job's declarations of one kind, in order.
std::vector<const SeedDecl*> decls_of(const ServiceSeedJob& job, std::string_view kind);

// Applies decls with their kinds' seeders, phase by phase (what `seed` does for one service).
void apply_service_seed(const ServiceSeedJob& job, SeedSink& sink);

struct ResetStrategy {
    std::string_view template_name;  // "moto", "localstack", "postgres", "redis", ...
    // After a successful seed of the service: capture what reset restores from (may be empty).
    std::function<void(const ServiceSeedJob& job, SeedSink& sink)> after_seed;
    // Back to exactly the seeded state, against the running container: remove what the
    // application added, restore what it changed or deleted. Reports like a seeder.
    std::function<void(const ServiceSeedJob& job, SeedSink& sink)> reset;
};
// The AWS emulators' strategies (seed/aws/emulators.cpp): moto, localstack, minio.
std::span<const ResetStrategy> emulator_reset_strategies();
// nullptr when the template has no soft reset (then `reset` tells the user to use --hard).
const ResetStrategy* find_reset_strategy(std::string_view template_name);

}  // namespace devenv

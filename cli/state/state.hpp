#pragma once
// The project's .devenv/ folder: the rendered Compose file, the state record, and a lock that
// keeps two devenv commands from changing one project at once.
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace devenv {

struct StateDir {
    std::string root;  // <project>/.devenv
    std::string compose_file() const { return root + "/compose.yaml"; }
    std::string state_file() const { return root + "/state.json"; }
    std::string lock_file() const { return root + "/lock"; }
};

StateDir state_dir(const std::string& project_dir);

// What devenv last did in this project: which profile, options and Compose project is up,
// the rendered file's hash, identifiers recorded by seeding.
struct StateRecord {
    int schema_version = 1;
    std::string profile;
    std::string project;
    std::vector<std::string> overlays;
    std::vector<std::string> sets;
    int port_offset = 0;
    // Environment variables the profile read at `up` (null: unset), so later commands resolve the
    // same profile from another shell.
    std::map<std::string, std::optional<std::string>> env;
    std::string compose_hash;       // sha256 of the rendered file at the last successful up
    std::string up_at;              // ISO 8601
    std::string seed_hash;          // seed_fingerprint of the last complete, successful seed
    nlohmann::json seeded = nlohmann::json::object();   // per service: what seeding recorded

    nlohmann::json to_json() const;
    static StateRecord from_json(const nlohmann::json& j);
};

std::optional<StateRecord> read_state(const StateDir& dir);
// Written 0600: seeded identifiers can include client secrets.
void write_state(const StateDir& dir, const StateRecord& s);
void remove_state(const StateDir& dir);

// An exclusive lock on <project>/.devenv/lock, held for the object's lifetime. When another
// devenv holds it, waits up to `wait`, then throws Error(usage) naming the holder (pid,
// command, since when).
class ProjectLock {
public:
    ProjectLock(const StateDir& dir, const std::string& command, std::chrono::milliseconds wait);
    ~ProjectLock();
    ProjectLock(const ProjectLock&) = delete;
    ProjectLock& operator=(const ProjectLock&) = delete;

private:
    int fd_ = -1;
};

std::string now_iso8601();

}  // namespace devenv

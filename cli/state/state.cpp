#include "state/state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace devenv {

StateDir state_dir(const std::string& project_dir) { return StateDir{project_dir + "/.devenv"}; }

nlohmann::json StateRecord::to_json() const {
    nlohmann::json e = nlohmann::json::object();
    for (const auto& [k, v] : env) e[k] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    return nlohmann::json{{"schema_version", schema_version}, {"profile", profile}, {"project", project},
                          {"overlays", overlays}, {"sets", sets}, {"port_offset", port_offset}, {"env", e},
                          {"compose_hash", compose_hash}, {"up_at", up_at}, {"seed_hash", seed_hash}, {"seeded", seeded}};
}

StateRecord StateRecord::from_json(const nlohmann::json& j) {
    StateRecord s;
    s.schema_version = j.value("schema_version", 1);
    s.profile = j.value("profile", "");
    s.project = j.value("project", "");
    s.overlays = j.value("overlays", std::vector<std::string>{});
    s.sets = j.value("sets", std::vector<std::string>{});
    s.port_offset = j.value("port_offset", 0);
    s.compose_hash = j.value("compose_hash", "");
    s.up_at = j.value("up_at", "");
    s.seed_hash = j.value("seed_hash", "");
    if (j.contains("env") && j["env"].is_object())
        for (const auto& [k, v] : j["env"].items())
            s.env[k] = v.is_string() ? std::optional<std::string>(v.get<std::string>()) : std::nullopt;
    if (j.contains("seeded") && j["seeded"].is_object()) s.seeded = j["seeded"];
    return s;
}

namespace {

// The newest state format this devenv reads; a record of a newer one is refused, not misread.
constexpr int kStateSchemaVersion = 1;

Error damaged_state(const std::string& file, const std::string& why) {
    return Error(ErrorKind::io, fmt::format("{} is damaged ({}), so devenv cannot tell what this project runs", file, why))
        .hint("`devenv down -p PROFILE` stops the containers without it; then delete the file: the next `devenv up` "
              "writes it again and applies the seed again");
}

}  // namespace

std::optional<StateRecord> read_state(const StateDir& dir) {
    const std::string file = dir.state_file();
    std::error_code ec;
    if (!std::filesystem::exists(file, ec) && !ec) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        int err = errno;
        throw Error(ErrorKind::io, fmt::format("cannot read {}: {}", file, std::strerror(err)))
            .hint("is .devenv/ another user's (`ls -ln .devenv`)? Run devenv as that user, or fix the owner "
                  "(`chown -R`)");
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {
        throw damaged_state(file, text.empty() ? "empty" : "not valid JSON; truncated?");
    }
    if (!j.is_object()) throw damaged_state(file, "not a JSON object");
    if (auto v = j.find("schema_version"); v != j.end() && v->is_number_integer() && v->get<long long>() > kStateSchemaVersion)
        throw Error(ErrorKind::io, fmt::format("{} was written by a newer devenv (state format {}; this one reads up to {})",
                                               file, v->get<long long>(), kStateSchemaVersion))
            .hint("use that newer devenv here; or `devenv down -p PROFILE` and delete the file to start over with this one");
    try {
        return StateRecord::from_json(j);
    } catch (const nlohmann::json::exception&) {
        throw damaged_state(file, "a field has an unexpected type");
    }
}

void write_state(const StateDir& dir, const StateRecord& s) {
    write_file_if_changed(dir.state_file(), s.to_json().dump(2) + "\n", FileMode::secret);
}

void remove_state(const StateDir& dir) {
    std::error_code ec;
    std::filesystem::remove(dir.state_file(), ec);
}

ProjectLock::ProjectLock(const StateDir& dir, const std::string& command, std::chrono::milliseconds wait) {
    std::error_code ec;
    std::filesystem::create_directories(dir.root, ec);
    // .devenv/ holds the rendered file and the state, both with credentials: the owner's only.
    std::filesystem::permissions(dir.root, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
    fd_ = ::open(dir.lock_file().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0)
        throw Error(ErrorKind::io, fmt::format("cannot open {}: {}", dir.lock_file(), std::strerror(errno)));
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR)
            throw Error(ErrorKind::io, fmt::format("cannot lock {}: {}", dir.lock_file(), std::strerror(errno)));
        if (std::chrono::steady_clock::now() >= deadline) {
            std::ifstream in(dir.lock_file());
            std::string holder((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            while (!holder.empty() && holder.back() == '\n') holder.pop_back();
            ::close(fd_);
            fd_ = -1;
            throw Error(ErrorKind::usage,
                        fmt::format("another devenv command is changing this project ({})",
                                    holder.empty() ? "holder unknown" : holder))
                .hint("wait for it to finish, or stop it; the lock goes away with its process");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::string who = fmt::format("pid {}, `devenv {}`, since {}", ::getpid(), command, now_iso8601());
    if (::ftruncate(fd_, 0) == 0) {
        ssize_t n = ::pwrite(fd_, who.data(), who.size(), 0);
        (void)n;
    }
}

ProjectLock::~ProjectLock() {
    if (fd_ >= 0) {
        if (::ftruncate(fd_, 0) != 0) { /* the content is advisory only */ }
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
}

std::string now_iso8601() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace devenv

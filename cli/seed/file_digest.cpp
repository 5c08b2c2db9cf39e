#include "seed/file_digest.hpp"

#include <sys/stat.h>

#include <map>
#include <mutex>

#include "util/digest.hpp"

namespace devenv {

nlohmann::json FileStamp::to_json() const { return {{"size", size}, {"mtime_ns", mtime_ns}, {"inode", inode}}; }

std::optional<FileStamp> stamp_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    FileStamp s;
    s.size = static_cast<long long>(st.st_size);
    s.mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    s.inode = static_cast<unsigned long long>(st.st_ino);
    return s;
}

namespace {

struct Memo {
    std::mutex mu;
    std::map<std::string, std::pair<FileStamp, std::string>> by_path;
};
Memo& memo() {
    static Memo m;
    return m;
}

std::string digest_of_stream(std::istream& in) {
    StreamingDigest d(StreamingDigest::Algorithm::sha256);
    std::string buf(256 * 1024, '\0');
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        if (auto n = in.gcount(); n > 0) d.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    }
    return hex(d.finish());
}

}  // namespace

std::string seed_file_digest(const SeedDecl& decl, const std::string& path, const Value& at, const SeedTarget* target,
                             SeedSink* sink) {
    SeedFileRef ref = locate_seed_file(decl, path, at);
    if (ref.path.empty()) return sha256_hex(ref.embedded);
    auto stamp = stamp_of(ref.path);
    std::string key = "digest:" + ref.path;
    if (stamp) {
        {
            std::lock_guard<std::mutex> lock(memo().mu);
            if (auto it = memo().by_path.find(ref.path); it != memo().by_path.end() && it->second.first == *stamp)
                return it->second.second;
        }
        if (target && target->state.contains("_reset") && target->state["_reset"].is_object()) {
            const nlohmann::json& kept = target->state["_reset"];
            auto it = kept.find(key);
            const nlohmann::json entry = it != kept.end() && it->is_object() ? *it : nlohmann::json::object();
            if (entry.value("stamp", nlohmann::json()) == stamp->to_json() && entry.value("sha256", nlohmann::json()).is_string()) {
                std::string sha = entry["sha256"].get<std::string>();
                if (sink) sink->remember(target->service->name, key, entry);
                std::lock_guard<std::mutex> lock(memo().mu);
                memo().by_path[ref.path] = {*stamp, sha};
                return sha;
            }
        }
    }
    auto in = open_seed_file(decl, path, at);
    std::string sha = digest_of_stream(*in);
    // A file that changed while it was read is not remembered under the stamp taken before.
    if (stamp && stamp_of(ref.path) == stamp) {
        {
            std::lock_guard<std::mutex> lock(memo().mu);
            memo().by_path[ref.path] = {*stamp, sha};
        }
        if (target && sink) sink->remember(target->service->name, key, {{"stamp", stamp->to_json()}, {"sha256", sha}});
    }
    return sha;
}

}  // namespace devenv

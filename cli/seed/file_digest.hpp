#pragma once
// Digests of seed files, read in chunks and remembered: a file whose path, size, modification
// time and inode are those of a digest already taken is not read again, neither later in the same
// run (a table's COPY and its reset baseline both need it) nor in a later run, where the digest
// comes from the state record (seeded.SERVICE._reset["digest:PATH"]). An unchanged
// 1,000,000-row COPY file then costs one stat() to recognise.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "seed/seed.hpp"

namespace devenv {

// What identifies a file's version without reading it; nullopt when it cannot be stat()ed.
struct FileStamp {
    long long size = 0;
    long long mtime_ns = 0;
    unsigned long long inode = 0;
    nlohmann::json to_json() const;
    bool operator==(const FileStamp&) const = default;
};
std::optional<FileStamp> stamp_of(const std::string& path);

// SHA-256 hex of the file a declaration names (embedded built-in files too). `target`/`sink`,
// when given, let the state record carry the digest between runs. Throws like read_seed_file.
std::string seed_file_digest(const SeedDecl& decl, const std::string& path, const Value& at,
                             const SeedTarget* target = nullptr, SeedSink* sink = nullptr);

}  // namespace devenv

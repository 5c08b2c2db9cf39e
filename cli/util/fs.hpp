#pragma once
// Writing files the way devenv needs: atomically (temp file + rename, so a failed run leaves
// nothing half-written), only when the bytes change, and 0600 when they hold secrets.
#include <string>

namespace devenv {

enum class FileMode { normal, secret };

// Returns true when the file was (re)written, false when it already held these bytes.
// Throws Error(io) when it cannot write.
bool write_file_if_changed(const std::string& path, const std::string& content, FileMode mode = FileMode::normal);

}  // namespace devenv

#include "util/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "util/error.hpp"

namespace devenv {

bool write_file_if_changed(const std::string& path, const std::string& content, FileMode mode) {
    namespace fs = std::filesystem;
    mode_t perms = mode == FileMode::secret ? 0600 : 0644;
    {
        std::ifstream in(path, std::ios::binary);
        if (in) {
            std::ostringstream ss;
            ss << in.rdbuf();
            struct stat st {};
            bool perms_ok = ::stat(path.c_str(), &st) == 0 && (st.st_mode & 0777) == perms;
            if (ss.str() == content && perms_ok) return false;
        }
    }
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, perms);
    if (fd < 0) throw Error(ErrorKind::io, fmt::format("cannot write {}: {}", path, std::strerror(errno)));
    ::fchmod(fd, perms);
    std::size_t off = 0;
    while (off < content.size()) {
        ssize_t n = ::write(fd, content.data() + off, content.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw Error(ErrorKind::io, fmt::format("cannot write {}: {}", path, std::strerror(err)));
        }
        off += static_cast<std::size_t>(n);
    }
    // On disk before it replaces the old file: a full disk or a crash leaves the old one whole.
    int synced = ::fsync(fd);
    int err = errno;
    if (::close(fd) != 0 && synced == 0) {
        synced = -1;
        err = errno;
    }
    if (synced != 0) {
        ::unlink(tmp.c_str());
        throw Error(ErrorKind::io, fmt::format("cannot write {}: {}", path, std::strerror(err)));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        err = errno;
        ::unlink(tmp.c_str());
        throw Error(ErrorKind::io, fmt::format("cannot write {}: {}", path, std::strerror(err)));
    }
    return true;
}

}  // namespace devenv

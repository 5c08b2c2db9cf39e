#include "lifecycle/ports.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "engine/docker_api.hpp"
#include "probe/probe.hpp"

namespace devenv {

bool port_in_use(int port) {
    // Binding is the only reliable test: a listener on any address blocks a wildcard bind.
    for (int family : {AF_INET, AF_INET6}) {
        int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) continue;
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        int rc;
        if (family == AF_INET) {
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(static_cast<uint16_t>(port));
            a.sin_addr.s_addr = htonl(INADDR_ANY);
            rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        } else {
            int v6only = 1;
            ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
            sockaddr_in6 a{};
            a.sin6_family = AF_INET6;
            a.sin6_port = htons(static_cast<uint16_t>(port));
            a.sin6_addr = in6addr_any;
            rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        }
        int err = errno;
        ::close(fd);
        if (rc != 0 && err == EADDRINUSE) return true;
    }
    return false;
}

namespace {

std::set<std::string> listening_inodes(int port) {
    std::set<std::string> out;
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line)) {
            std::istringstream ls(line);
            std::string sl, local, remote, state, queues, tr, retr, uid, timeout, inode;
            ls >> sl >> local >> remote >> state >> queues >> tr >> retr >> uid >> timeout >> inode;
            auto colon = local.rfind(':');
            if (colon == std::string::npos || state != "0A") continue;  // 0A = LISTEN
            if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) out.insert(inode);
        }
    }
    return out;
}

}  // namespace

std::optional<std::string> port_holder_process(int port) {
    auto inodes = listening_inodes(port);
    if (inodes.empty()) return std::nullopt;
    DIR* proc = ::opendir("/proc");
    if (!proc) return std::nullopt;
    std::optional<std::string> found;
    while (dirent* e = ::readdir(proc)) {
        if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
        std::string fd_dir = fmt::format("/proc/{}/fd", e->d_name);
        DIR* fds = ::opendir(fd_dir.c_str());
        if (!fds) continue;
        while (dirent* f = ::readdir(fds)) {
            char target[128];
            ssize_t n = ::readlink((fd_dir + "/" + f->d_name).c_str(), target, sizeof target - 1);
            if (n <= 0) continue;
            target[n] = 0;
            std::string t(target);
            if (!t.starts_with("socket:[")) continue;
            if (inodes.count(t.substr(8, t.size() - 9))) {
                std::ifstream comm(fmt::format("/proc/{}/comm", e->d_name));
                std::string name;
                std::getline(comm, name);
                found = fmt::format("process {} (pid {})", name, e->d_name);
                break;
            }
        }
        ::closedir(fds);
        if (found) break;
    }
    ::closedir(proc);
    return found;
}

std::optional<std::string> port_taken(DockerApi& api, const EngineTarget& engine, int port) {
    if (engine.ports_on_this_machine()) {
        if (!port_in_use(port)) return std::nullopt;
        std::vector<std::string> containers;
        try {
            containers = api.containers_publishing(port);
        } catch (const Error&) {
        }
        if (!containers.empty()) return containers.front();
        return port_holder_process(port).value_or("");
    }
    std::vector<std::string> containers = api.containers_publishing(port);
    if (!containers.empty()) return containers.front();
    Endpoint at;
    at.host = engine.host;
    at.port = port;
    // A refused connection answers at once; a filtered port costs the budget.
    if (tcp_connect(at, std::chrono::milliseconds(300)).ready) return fmt::format("something at {}:{}", engine.host, port);
    return std::nullopt;
}

}  // namespace devenv

#include "engine/ssh_dial.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/error.hpp"
#include "util/strings.hpp"

extern char** environ;

namespace devenv {

namespace {

std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    while (true) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) out.append(buf, static_cast<std::size_t>(n));
        else if (n < 0 && errno == EINTR) continue;
        else break;
    }
    return out;
}

bool contains(const std::string& text, std::string_view what) { return text.find(what) != std::string::npos; }

}  // namespace

SshDialer::SshDialer(const std::string& address) : target_(parse_ssh_address(address)) {}

SshDialer::~SshDialer() {
    if (listen_fd_ >= 0) {
        ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept(): the loop ends
        if (acceptor_.joinable()) acceptor_.join();
        ::close(listen_fd_);
        ::unlink(path_.c_str());
        ::rmdir(dir_.c_str());
    }
    std::lock_guard<std::mutex> lock(mu_);
    reap(true);
}

const std::string& SshDialer::socket_path() {
    if (listen_fd_ >= 0) return path_;
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/devenv-ssh-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back(0);
    if (!::mkdtemp(buf.data()))
        throw Error(ErrorKind::engine, fmt::format("cannot make a folder for the ssh connection: {}", std::strerror(errno)));
    dir_ = buf.data();
    path_ = dir_ + "/engine.sock";
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    if (path_.size() >= sizeof a.sun_path) {
        ::rmdir(dir_.c_str());
        throw Error(ErrorKind::engine, fmt::format("{} is too long for a unix socket", path_)).hint("set TMPDIR to a shorter folder");
    }
    std::memcpy(a.sun_path, path_.c_str(), path_.size() + 1);
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0) {
        std::string why = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        ::rmdir(dir_.c_str());
        throw Error(ErrorKind::engine, fmt::format("cannot listen on {} for the ssh connection: {}", path_, why));
    }
    listen_fd_ = fd;
    acceptor_ = std::thread([this] { accept_loop(); });
    return path_;
}

void SshDialer::accept_loop() {
    while (true) {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return;  // shut down
        }
        std::lock_guard<std::mutex> lock(mu_);
        reap(false);
        std::string error;
        spawn(fd, error);
        dial_error_ = error;
        ::close(fd);  // ssh holds it now (or nobody: libcurl sees the connection end)
    }
}

std::vector<std::string> SshDialer::argv() const {
    // BatchMode: ssh must never ask (its stdin is the socket); ConnectTimeout bounds a host that
    // does not answer. The user's ~/.ssh/config, agent and known_hosts apply as usual.
    std::vector<std::string> a{"ssh", "-o", "ConnectTimeout=10", "-o", "BatchMode=yes", "-T"};
    if (!target_.user.empty()) a.insert(a.end(), {"-l", target_.user});
    if (target_.port) a.insert(a.end(), {"-p", std::to_string(target_.port)});
    a.insert(a.end(), {"--", target_.host, "docker", "system", "dial-stdio"});
    return a;
}

std::string SshDialer::command_for_user() const {
    std::string who = target_.user.empty() ? target_.host : target_.user + "@" + target_.host;
    return target_.port ? fmt::format("ssh -p {} {} docker system dial-stdio", target_.port, who)
                        : fmt::format("ssh {} docker system dial-stdio", who);
}

void SshDialer::reap(bool stop) {
    if (stop)
        for (auto& c : children_)
            if (!c.exited && c.pid > 0) ::kill(c.pid, SIGTERM);
    auto grace = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    for (auto& c : children_) {
        while (!c.exited) {
            int st = 0;
            pid_t r = ::waitpid(c.pid, &st, WNOHANG);
            if (r == c.pid || (r < 0 && errno == ECHILD)) {
                c.exited = true;
                c.status = st;
                break;
            }
            if (!stop) break;
            // What ssh runs may outlive a SIGTERM (the docker CLI's dial-stdio waits for the
            // engine's side): not past the grace period.
            if (std::chrono::steady_clock::now() > grace) ::kill(c.pid, SIGKILL);
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    if (stop) {
        for (auto& c : children_)
            if (c.err_fd >= 0) ::close(c.err_fd);
        children_.clear();
        return;
    }
    // Keep the last one (its stderr explains a failure); forget older ones that have exited.
    while (children_.size() > 1 && children_.front().exited) {
        if (children_.front().err_fd >= 0) ::close(children_.front().err_fd);
        children_.erase(children_.begin());
    }
}

int SshDialer::spawn(int conn, std::string& error) {
    int errpipe[2];
    if (::pipe2(errpipe, O_CLOEXEC) != 0) {
        error = fmt::format("pipe: {}", std::strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, conn, 0);
    posix_spawn_file_actions_adddup2(&fa, conn, 1);
    posix_spawn_file_actions_adddup2(&fa, errpipe[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own process group: the terminal's Ctrl-C is devenv's to handle, not ssh's.
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none, defaults;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    std::vector<std::string> args = argv();
    std::vector<char*> cargs;
    for (auto& s : args) cargs.push_back(s.data());
    cargs.push_back(nullptr);
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, "ssh", &fa, &attr, cargs.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    ::close(errpipe[1]);
    if (rc != 0) {
        error = rc == ENOENT ? std::string("ssh is not installed (no `ssh` on PATH)")
                             : fmt::format("cannot start ssh: {}", std::strerror(rc));
        ::close(errpipe[0]);
        return -1;
    }
    children_.push_back(Child{pid, errpipe[0], false, 0});
    return 0;
}

std::string SshDialer::failure(std::vector<std::string>& hints, int wait_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!dial_error_.empty()) {
        hints.push_back("install the OpenSSH client (Debian: openssh-client), or reach the engine over tcp://");
        return dial_error_;
    }
    if (children_.empty()) {
        hints.push_back(fmt::format("`{}` shows whether ssh reaches the engine", command_for_user()));
        return {};
    }
    Child& c = children_.back();
    // ssh has closed the socket; give it a moment to exit so that everything it said is there.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    while (!c.exited) {
        int st = 0;
        pid_t r = ::waitpid(c.pid, &st, WNOHANG);
        if (r == c.pid || (r < 0 && errno == ECHILD)) {
            c.exited = true;
            c.status = st;
            break;
        }
        if (std::chrono::steady_clock::now() > deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::string said;
    if (c.exited && c.err_fd >= 0) {
        said = read_all(c.err_fd);  // ssh and everything it started have exited: reads to EOF
        ::close(c.err_fd);
        c.err_fd = -1;
    }
    std::vector<std::string> lines;
    for (auto& l : split_lines(said))
        if (!trim(l).empty() && !contains(l, "Warning: Permanently added")) lines.emplace_back(trim(l));
    std::string who = target_.user.empty() ? target_.host : target_.user + "@" + target_.host;
    std::string all = fmt::format("{}", fmt::join(lines, "\n"));
    if (contains(all, "Permission denied"))
        hints.push_back(fmt::format("ssh must log in to {} without a prompt: put your key in its authorized_keys "
                                    "(`ssh-copy-id {}`) or load it into ssh-agent",
                                    who, who));
    else if (contains(all, "Host key verification failed") || contains(all, "REMOTE HOST IDENTIFICATION HAS CHANGED"))
        hints.push_back(fmt::format("devenv runs ssh in batch mode and cannot accept a host key: run `ssh {}` once "
                                    "and check the key it shows",
                                    who));
    else if (contains(all, "docker: not found") || contains(all, "docker: command not found"))
        hints.push_back(fmt::format("install the docker CLI on {}: devenv runs `docker system dial-stdio` there", target_.host));
    else if (contains(all, "Cannot connect to the Docker daemon") || contains(all, "Is the docker daemon running"))
        hints.push_back(fmt::format("the engine on {} is not running: start it there (e.g. `sudo systemctl start docker`)",
                                    target_.host));
    else if (contains(all, "Could not resolve hostname") || contains(all, "Connection refused") ||
             contains(all, "timed out") || contains(all, "No route to host"))
        hints.push_back(fmt::format("check that {} is reachable and runs sshd{}", target_.host,
                                    target_.port ? fmt::format(" on port {}", target_.port) : std::string()));
    hints.push_back(fmt::format("`{}` shows the same thing (devenv runs it with -o BatchMode=yes)", command_for_user()));
    if (lines.empty()) {
        if (c.exited && WIFEXITED(c.status) && WEXITSTATUS(c.status) != 0)
            return fmt::format("ssh exited with code {} and said nothing", WEXITSTATUS(c.status));
        return {};
    }
    // The remote's own words come last ("Permission denied (publickey).").
    return "ssh: " + lines.back();
}

}  // namespace devenv

#include "util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "util/error.hpp"

extern char** environ;

namespace devenv {

std::optional<std::string> find_program(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        if (::access(name.c_str(), X_OK) == 0) return name;
        return std::nullopt;
    }
    const char* path = std::getenv("PATH");
    std::string p = path ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= p.size()) {
        std::size_t colon = p.find(':', start);
        std::string dir = p.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        if (!dir.empty()) {
            std::string full = dir + "/" + name;
            struct stat st {};
            if (::stat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(full.c_str(), X_OK) == 0) return full;
        }
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    return std::nullopt;
}

namespace {

std::vector<std::string> build_env(const std::vector<std::pair<std::string, std::string>>& overrides) {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string s(*e);
        auto eq = s.find('=');
        if (eq != std::string::npos) env[s.substr(0, eq)] = s.substr(eq + 1);
    }
    for (const auto& [k, v] : overrides) env[k] = v;
    std::vector<std::string> out;
    for (const auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& opts) {
    if (argv.empty()) throw Error(ErrorKind::internal, "run_process: empty argv");
    auto exe = find_program(argv[0]);
    if (!exe) throw Error(ErrorKind::io, fmt::format("cannot run {}: not found on PATH", argv[0]));

    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, in_pipe[2] = {-1, -1};
    if (opts.capture_stdout && ::pipe2(out_pipe, O_CLOEXEC) != 0) throw Error(ErrorKind::io, "pipe failed");
    if (opts.capture_stderr && ::pipe2(err_pipe, O_CLOEXEC) != 0) throw Error(ErrorKind::io, "pipe failed");
    if (opts.stdin_data && ::pipe2(in_pipe, O_CLOEXEC) != 0) throw Error(ErrorKind::io, "pipe failed");

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (opts.capture_stdout) posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    if (opts.capture_stderr) posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    if (opts.stdin_data) posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
    else posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (opts.cwd) posix_spawn_file_actions_addchdir_np(&fa, opts.cwd->c_str());

    std::vector<std::string> env = build_env(opts.env);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> argp;
    for (auto& a : args) argp.push_back(a.data());
    argp.push_back(nullptr);

    // The child must not inherit our SIGINT handling decisions: default signal dispositions.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

    pid_t pid = 0;
    int rc = posix_spawn(&pid, exe->c_str(), &fa, &attr, argp.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    auto close_fd = [](int& fd) {
        if (fd >= 0) ::close(fd);
        fd = -1;
    };
    close_fd(out_pipe[1]);
    close_fd(err_pipe[1]);
    close_fd(in_pipe[0]);
    if (rc != 0) {
        close_fd(out_pipe[0]);
        close_fd(err_pipe[0]);
        close_fd(in_pipe[1]);
        throw Error(ErrorKind::io, fmt::format("cannot run {}: {}", argv[0], std::strerror(rc)));
    }

    ProcessResult result;
    std::size_t in_off = 0;
    if (opts.stdin_data && opts.stdin_data->empty()) close_fd(in_pipe[1]);
    if (in_pipe[1] >= 0) ::fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
    auto start = std::chrono::steady_clock::now();
    bool term_sent = false, kill_sent = false;
    while (out_pipe[0] >= 0 || err_pipe[0] >= 0 || in_pipe[1] >= 0) {
        pollfd fds[3];
        int n = 0;
        if (out_pipe[0] >= 0) fds[n++] = {out_pipe[0], POLLIN, 0};
        if (err_pipe[0] >= 0) fds[n++] = {err_pipe[0], POLLIN, 0};
        if (in_pipe[1] >= 0) fds[n++] = {in_pipe[1], POLLOUT, 0};
        int pr = ::poll(fds, static_cast<nfds_t>(n), 100);
        if (pr < 0 && errno != EINTR) break;
        for (int i = 0; i < n; ++i) {
            if (!fds[i].revents) continue;
            if (fds[i].fd == in_pipe[1]) {
                const std::string& data = *opts.stdin_data;
                ssize_t w = ::write(in_pipe[1], data.data() + in_off, data.size() - in_off);
                if (w > 0) in_off += static_cast<std::size_t>(w);
                if (w < 0 && errno != EAGAIN) close_fd(in_pipe[1]);
                if (in_off >= data.size()) close_fd(in_pipe[1]);
                continue;
            }
            char buf[8192];
            ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
            if (r > 0) {
                (fds[i].fd == out_pipe[0] ? result.out : result.err).append(buf, static_cast<std::size_t>(r));
            } else if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
                if (fds[i].fd == out_pipe[0]) close_fd(out_pipe[0]);
                else close_fd(err_pipe[0]);
            }
        }
        if (opts.timeout) {
            auto el = std::chrono::steady_clock::now() - start;
            if (!term_sent && el > *opts.timeout) {
                ::kill(pid, SIGTERM);
                term_sent = true;
                result.timed_out = true;
            } else if (term_sent && !kill_sent && el > *opts.timeout + std::chrono::seconds(5)) {
                ::kill(pid, SIGKILL);
                kill_sent = true;
            }
        }
    }
    int status = 0;
    while (true) {
        pid_t w = ::waitpid(pid, &status, opts.timeout ? WNOHANG : 0);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) break;
        if (w == 0) {
            auto el = std::chrono::steady_clock::now() - start;
            if (!term_sent && el > *opts.timeout) {
                ::kill(pid, SIGTERM);
                term_sent = true;
                result.timed_out = true;
            } else if (term_sent && !kill_sent && el > *opts.timeout + std::chrono::seconds(5)) {
                ::kill(pid, SIGKILL);
                kill_sent = true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
    return result;
}

}  // namespace devenv

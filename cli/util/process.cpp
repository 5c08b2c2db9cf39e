#include "util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "util/error.hpp"

extern char** environ;

namespace devenv {

namespace {

using Clock = std::chrono::steady_clock;

// A child that ignores SIGTERM gets this long before SIGKILL.
constexpr auto kKillGrace = std::chrono::seconds(3);

bool is_executable_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& o) noexcept : fd_(o.release()) {}
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = o.release();
        }
        return *this;
    }
    int get() const { return fd_; }
    bool open() const { return fd_ >= 0; }
    int release() { return std::exchange(fd_, -1); }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

struct Pipe {
    Fd read, write;
};

// Close-on-exec, so children spawned concurrently by other threads do not inherit our ends
// (an inherited write end would keep our reader from ever seeing EOF).
Pipe make_pipe(const std::string& program) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw Error(ErrorKind::io, fmt::format("cannot run {}: pipe: {}", program, std::strerror(errno)))
            .hint("the process may be out of file descriptors (ulimit -n)");
    return {Fd(fds[0]), Fd(fds[1])};
}

std::vector<std::string> build_env(const std::vector<std::pair<std::string, std::string>>& overrides) {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view s(*e);
        auto eq = s.find('=');
        if (eq != std::string_view::npos) env.insert_or_assign(std::string(s.substr(0, eq)), std::string(s.substr(eq + 1)));
    }
    for (const auto& [k, v] : overrides) env.insert_or_assign(k, v);
    std::vector<std::string> out;
    out.reserve(env.size());
    for (const auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
    std::vector<char*> out;
    out.reserve(v.size() + 1);
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// Writes to a pipe whose reader may have gone: EPIPE instead of a process-killing SIGPIPE,
// without touching the rest of the program's signal handling.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t len) {
    sigset_t pipe_only, old_mask;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    bool was_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask);
    ssize_t w = ::write(fd, data, len);
    int saved = errno;
    if (w < 0 && saved == EPIPE && !was_pending) {
        timespec zero{0, 0};
        while (sigtimedwait(&pipe_only, nullptr, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    errno = saved;
    return w;
}

// argv[0] as posix_spawn must see it: a relative path with a slash is resolved against our
// cwd, because the child changes to opts.cwd before it executes.
std::string executable_for(const std::string& program) {
    auto found = find_program(program);
    if (!found)
        throw Error(ErrorKind::io, fmt::format("cannot run {}: not found on PATH", program))
            .hint(fmt::format("install {} or add its folder to PATH", program));
    if (found->front() != '/') return std::filesystem::absolute(*found).string();
    return *found;
}

}  // namespace

std::optional<std::string> find_program(const std::string& name) {
    if (name.empty()) return std::nullopt;
    if (name.find('/') != std::string::npos) return is_executable_file(name) ? std::optional(name) : std::nullopt;
    const char* env = std::getenv("PATH");
    std::string_view path = env ? env : "/usr/local/bin:/usr/bin:/bin";
    while (true) {
        auto colon = path.find(':');
        std::string_view dir = path.substr(0, colon);
        // An empty entry would mean the current folder: not a place to pick programs from.
        if (!dir.empty()) {
            std::string full = fmt::format("{}/{}", dir, name);
            if (is_executable_file(full)) return full;
        }
        if (colon == std::string_view::npos) return std::nullopt;
        path.remove_prefix(colon + 1);
    }
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& opts) {
    if (argv.empty()) throw Error(ErrorKind::internal, "run_process: empty argv");
    const std::string& program = argv[0];
    std::string exe = executable_for(program);

    Pipe out, err, in;
    if (opts.capture_stdout) out = make_pipe(program);
    if (opts.capture_stderr) err = make_pipe(program);
    if (opts.stdin_data) in = make_pipe(program);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (opts.stdin_data) posix_spawn_file_actions_adddup2(&fa, in.read.get(), 0);
    else posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);  // never our terminal
    if (opts.capture_stdout) posix_spawn_file_actions_adddup2(&fa, out.write.get(), 1);
    if (opts.capture_stderr) posix_spawn_file_actions_adddup2(&fa, err.write.get(), 2);
    if (opts.cwd) posix_spawn_file_actions_addchdir_np(&fa, opts.cwd->c_str());

    // The child starts with default dispositions and nothing blocked, whatever this thread
    // does with signals (the wait loop blocks SIGINT in workers; we ignore SIGPIPE at times):
    // Compose must still stop on Ctrl-C and on our SIGTERM.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults, empty;
    sigemptyset(&defaults);
    for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP}) sigaddset(&defaults, s);
    sigemptyset(&empty);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &empty);
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    if (opts.own_process_group) {
        flags = static_cast<short>(flags | POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, 0);
    }
    posix_spawnattr_setflags(&attr, flags);

    std::vector<std::string> env = build_env(opts.env);
    std::vector<std::string> args = argv;
    std::vector<char*> envp = c_strings(env);
    std::vector<char*> argp = c_strings(args);

    pid_t pid = 0;
    int rc = posix_spawn(&pid, exe.c_str(), &fa, &attr, argp.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    out.write.reset();
    err.write.reset();
    in.read.reset();
    if (rc != 0) {
        Error e(ErrorKind::io, opts.cwd ? fmt::format("cannot run {} in {}: {}", program, *opts.cwd, std::strerror(rc))
                                        : fmt::format("cannot run {}: {}", program, std::strerror(rc)));
        throw e.hint(opts.cwd ? "check that the program is executable and the folder exists"
                              : "check that the program is executable");
    }

    ProcessResult result;
    const std::string no_input;
    const std::string& input = opts.stdin_data ? *opts.stdin_data : no_input;
    std::size_t written = 0;
    if (in.write.open()) {
        if (input.empty()) in.write.reset();
        else ::fcntl(in.write.get(), F_SETFL, O_NONBLOCK);
    }

    const auto start = Clock::now();
    std::optional<Clock::time_point> term_at, kill_at;
    if (opts.timeout) term_at = start + *opts.timeout;
    bool reaped = false;
    int status = 0;

    while (true) {
        if (!reaped) {
            pid_t w = ::waitpid(pid, &status, WNOHANG);
            reaped = w == pid || (w < 0 && errno == ECHILD);
        }
        // Once the child has exited, read only what is already buffered: a grandchild that
        // kept our pipes open (a daemonised helper) must not hold us up.
        if (reaped) in.write.reset();
        if (!out.read.open() && !err.read.open() && !in.write.open() && reaped) break;

        auto now = Clock::now();
        if (!reaped && term_at && now >= *term_at && !kill_at) {
            ::kill(pid, SIGTERM);
            result.timed_out = true;
            kill_at = now + kKillGrace;
        } else if (!reaped && kill_at && now >= *kill_at) {
            ::kill(pid, SIGKILL);
            kill_at = Clock::time_point::max();
        }

        // Wake at least every 20 ms to notice the child's exit (pipes may stay open), and in
        // time for the next signal.
        auto wait = std::chrono::milliseconds(reaped ? 0 : 20);
        auto next = kill_at ? *kill_at : term_at.value_or(Clock::time_point::max());
        if (!reaped && next != Clock::time_point::max())
            wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(next - now), std::chrono::milliseconds(0), wait);

        pollfd fds[3];
        nfds_t n = 0;
        if (out.read.open()) fds[n++] = {out.read.get(), POLLIN, 0};
        if (err.read.open()) fds[n++] = {err.read.get(), POLLIN, 0};
        if (in.write.open()) fds[n++] = {in.write.get(), POLLOUT, 0};
        int ready = ::poll(fds, n, static_cast<int>(wait.count()));
        if (ready < 0 && errno != EINTR)
            throw Error(ErrorKind::internal, fmt::format("running {}: poll: {}", program, std::strerror(errno)));
        if (ready <= 0) {
            if (reaped) break;  // nothing more buffered
            continue;
        }
        for (nfds_t i = 0; i < n; ++i) {
            if (!fds[i].revents) continue;
            if (in.write.open() && fds[i].fd == in.write.get()) {
                ssize_t w = write_without_sigpipe(in.write.get(), input.data() + written, input.size() - written);
                if (w > 0) written += static_cast<std::size_t>(w);
                // EPIPE: the child does not read its input; that is its business, not an error.
                if ((w < 0 && errno != EAGAIN && errno != EINTR) || written >= input.size()) in.write.reset();
                continue;
            }
            Fd& from = out.read.open() && fds[i].fd == out.read.get() ? out.read : err.read;
            std::string& to = &from == &out.read ? result.out : result.err;
            char buf[16384];
            ssize_t r = ::read(from.get(), buf, sizeof buf);
            if (r > 0) to.append(buf, static_cast<std::size_t>(r));
            else if (r == 0 || (errno != EINTR && errno != EAGAIN)) from.reset();
        }
    }
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
    return result;
}

}  // namespace devenv

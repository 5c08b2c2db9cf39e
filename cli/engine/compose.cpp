#include "engine/compose.hpp"

#include <cstdlib>
#include <mutex>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace devenv {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t kStderrTail = 20;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    for (auto& l : split_lines(text))
        if (!trim(l).empty()) out.push_back(std::move(l));
    return out;
}

// `version --short` of a candidate: "2.26.1", or nullopt when it is not a working Compose.
std::optional<std::string> version_of(const std::vector<std::string>& command) {
    std::vector<std::string> argv = command;
    argv.insert(argv.end(), {"version", "--short"});
    ProcessOptions o;
    o.timeout = 10s;
    try {
        ProcessResult r = run_process(argv, o);
        std::string v(trim(r.out));
        if (r.exit_code != 0 || v.empty()) return std::nullopt;
        if (v.front() == 'v') v.erase(0, 1);
        return v;
    } catch (const Error&) {
        return std::nullopt;
    }
}

int major_of(const std::string& version) { return std::atoi(version.c_str()); }

std::vector<std::string> command_from_env(const std::string& value) {
    if (find_program(value)) return {value};
    std::vector<std::string> words;
    std::istringstream in(value);
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

}  // namespace

ComposeTool discover_compose() {
    if (const char* env = std::getenv("DEVENV_COMPOSE"); env && *env) {
        std::vector<std::string> command = command_from_env(env);
        std::string shown = fmt::format("DEVENV_COMPOSE={}", env);
        if (command.empty() || !find_program(command[0]))
            throw Error(ErrorKind::engine, fmt::format("{} names no program that can be run", shown))
                .hint("set DEVENV_COMPOSE to a docker-compose v2 binary or to \"docker compose\", or unset it");
        auto v = version_of(command);
        if (!v)
            throw Error(ErrorKind::engine, fmt::format("{}: `{} version --short` failed", shown, fmt::join(command, " ")))
                .hint("set DEVENV_COMPOSE to a docker-compose v2 binary or to \"docker compose\", or unset it");
        if (major_of(*v) < 2)
            throw Error(ErrorKind::engine, fmt::format("{} is Compose {}; devenv needs Compose v2", shown, *v))
                .hint("point DEVENV_COMPOSE at a Compose v2 binary, or unset it to use the `docker compose` plugin");
        return ComposeTool{command, *v, "DEVENV_COMPOSE"};
    }
    std::string v1_seen;
    if (find_program("docker")) {
        if (auto v = version_of({"docker", "compose"}); v && major_of(*v) >= 2)
            return ComposeTool{{"docker", "compose"}, *v, "the docker compose plugin"};
    }
    if (auto path = find_program("docker-compose")) {
        if (auto v = version_of({*path})) {
            if (major_of(*v) >= 2) return ComposeTool{{*path}, *v, "docker-compose on PATH"};
            v1_seen = fmt::format("{} is Compose {}", *path, *v);
        }
    }
    Error e(ErrorKind::engine, v1_seen.empty() ? std::string("Docker Compose v2 was not found: neither `docker compose` nor docker-compose works")
                                               : fmt::format("Docker Compose v2 was not found; {}, which devenv does not support", v1_seen));
    e.hint("install the Compose v2 plugin (Debian: docker-compose-plugin or docker-compose 2.x) so `docker compose version` works");
    e.hint("or set DEVENV_COMPOSE to a docker-compose v2 binary");
    throw e;
}

namespace {

std::vector<std::string> base_argv(const ComposeProject& p) {
    std::vector<std::string> argv = compose_tool().argv;
    argv.insert(argv.end(), {"-p", p.name, "-f", p.file, "--project-directory", p.project_dir});
    return argv;
}

}  // namespace

const ComposeTool& compose_tool() {
    static std::once_flag once;
    static ComposeTool tool;
    static std::optional<Error> failure;
    std::call_once(once, [] {
        try {
            tool = discover_compose();
        } catch (const Error& e) {
            failure = e;
        }
    });
    if (failure) throw *failure;
    return tool;
}

const std::string& compose_version() { return compose_tool().version; }

namespace {

// Runs `compose -p NAME -f FILE --project-directory DIR args...`; the exit code is the caller's.
ProcessResult compose_run(const ComposeProject& p, const std::vector<std::string>& args, ProcessOptions opts) {
    std::vector<std::string> argv = base_argv(p);
    argv.insert(argv.end(), args.begin(), args.end());
    // DOCKER_HOST wins over DOCKER_CONTEXT and the configured context in the Docker CLI too.
    if (!p.engine.empty()) opts.env.emplace_back("DOCKER_HOST", p.engine);
    return run_process(argv, opts);
}

ProcessResult compose_check(const ComposeProject& p, const std::vector<std::string>& args, const std::string& what,
                            ProcessOptions opts) {
    ProcessResult r = compose_run(p, args, opts);
    if (r.exit_code == 0 && !r.timed_out) return r;
    std::vector<std::string> lines = lines_of(r.err);
    std::string message;
    if (r.timed_out)
        message = fmt::format("docker compose could not {} within {} s", what,
                              std::chrono::duration_cast<std::chrono::seconds>(opts.timeout.value_or(0ms)).count());
    else if (lines.empty())
        message = fmt::format("docker compose could not {} (exit {})", what, r.exit_code);
    else
        message = fmt::format("docker compose could not {}: {}", what, trim(lines.back()));
    Error e(ErrorKind::engine, message);
    std::size_t from = lines.size() > kStderrTail ? lines.size() - kStderrTail : 0;
    for (std::size_t i = from; i < lines.size(); ++i) e.detail(lines[i]);
    e.hint(fmt::format("the command was `{} {}`; the Compose file is {}", fmt::join(base_argv(p), " "), fmt::join(args, " "), p.file));
    throw e;
}

}  // namespace

void compose_up(const ComposeProject& p, const ComposeUpOptions& opts) {
    std::vector<std::string> args{"up", "--detach"};
    if (opts.remove_orphans) args.push_back("--remove-orphans");
    if (opts.build) args.push_back("--build");
    if (opts.force_recreate) args.push_back("--force-recreate");
    if (!opts.pull.empty()) args.insert(args.end(), {"--pull", opts.pull});
    if (opts.wait) args.push_back("--wait");
    if (opts.wait && opts.wait_timeout) args.insert(args.end(), {"--wait-timeout", std::to_string(opts.wait_timeout->count())});
    args.insert(args.end(), opts.services.begin(), opts.services.end());
    ProcessOptions po;
    po.timeout = opts.timeout;
    // Progress to the user's terminal means its stderr is not ours to quote on failure.
    po.capture_stderr = !opts.show_progress;
    compose_check(p, args, "start the environment", po);
}

void compose_down(const ComposeProject& p, const ComposeDownOptions& opts) {
    std::vector<std::string> args{"down"};
    if (opts.remove_orphans) args.push_back("--remove-orphans");
    if (opts.volumes) args.push_back("--volumes");
    if (opts.stop_timeout_s) args.insert(args.end(), {"--timeout", std::to_string(*opts.stop_timeout_s)});
    ProcessOptions po;
    po.timeout = opts.timeout;
    po.own_process_group = opts.own_process_group;
    compose_check(p, args, "stop the environment", po);
}

void compose_validate(const ComposeProject& p) {
    ProcessOptions po;
    po.timeout = 30s;
    compose_check(p, {"config", "--quiet"}, "load the rendered Compose file", po);
}

std::string compose_config(const ComposeProject& p) {
    ProcessOptions po;
    po.timeout = 30s;
    return compose_check(p, {"config"}, "load the rendered Compose file", po).out;
}

std::string compose_logs(const ComposeProject& p, const std::vector<std::string>& services, std::optional<int> tail) {
    std::vector<std::string> args{"logs", "--no-color"};
    if (tail) args.insert(args.end(), {"--tail", std::to_string(*tail)});
    args.insert(args.end(), services.begin(), services.end());
    ProcessOptions po;
    po.timeout = 60s;
    return compose_check(p, args, "read the logs", po).out;
}

nlohmann::json compose_ps(const ComposeProject& p) {
    ProcessOptions po;
    po.timeout = 30s;
    std::string out = compose_check(p, {"ps", "--all", "--format", "json"}, "list the containers", po).out;
    nlohmann::json all = nlohmann::json::array();
    try {
        for (const std::string& line : lines_of(out)) {
            nlohmann::json j = nlohmann::json::parse(line);
            if (j.is_array())
                for (auto& item : j) all.push_back(std::move(item));
            else
                all.push_back(std::move(j));
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::engine, fmt::format("`docker compose ps --format json` printed something that is not JSON: {}", e.what()))
            .hint(fmt::format("Compose {} may print a format devenv does not know; `devenv status` uses the engine API instead",
                              compose_version()));
    }
    return all;
}

}  // namespace devenv

#include "engine/compose.hpp"

#include <cstdlib>
#include <mutex>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "util/error.hpp"

namespace devenv {

namespace {

std::optional<std::string> version_of(const std::vector<std::string>& argv) {
    std::vector<std::string> cmd = argv;
    cmd.push_back("version");
    cmd.push_back("--short");
    ProcessOptions o;
    o.timeout = std::chrono::seconds(10);
    try {
        auto r = run_process(cmd, o);
        if (r.exit_code != 0) return std::nullopt;
        std::string v = r.out;
        while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
        if (!v.empty() && v[0] == 'v') v.erase(0, 1);
        return v;
    } catch (const Error&) {
        return std::nullopt;
    }
}

ComposeTool discover() {
    std::vector<std::vector<std::string>> candidates;
    if (const char* env = std::getenv("DEVENV_COMPOSE"); env && *env) {
        std::istringstream in(env);
        std::vector<std::string> words;
        for (std::string w; in >> w;) words.push_back(w);
        candidates.push_back(words);
    } else {
        candidates.push_back({"docker", "compose"});
        candidates.push_back({"docker-compose"});
    }
    std::string v1_seen;
    for (const auto& c : candidates) {
        if (c.empty() || !find_program(c[0])) continue;
        auto v = version_of(c);
        if (!v) continue;
        if (v->starts_with("1.")) {
            v1_seen = fmt::format("{} is Compose {}", fmt::join(c, " "), *v);
            continue;
        }
        return ComposeTool{c, *v};
    }
    Error e(ErrorKind::engine, v1_seen.empty() ? "Docker Compose v2 was not found"
                                               : fmt::format("Docker Compose v2 is needed; {}", v1_seen));
    e.hint("install the Compose v2 plugin (package docker-compose-plugin or docker-compose 2.x) so `docker compose version` works");
    e.hint("or set DEVENV_COMPOSE to a docker-compose v2 binary");
    throw e;
}

}  // namespace

const ComposeTool& compose_tool() {
    static std::once_flag once;
    static ComposeTool tool;
    static std::optional<Error> failure;
    std::call_once(once, [] {
        try {
            tool = discover();
        } catch (const Error& e) {
            failure = e;
        }
    });
    if (failure) throw *failure;
    return tool;
}

ProcessResult compose_run(const ComposeProject& p, const std::vector<std::string>& args, ProcessOptions opts) {
    std::vector<std::string> argv = compose_tool().argv;
    argv.insert(argv.end(), {"-p", p.name, "-f", p.file, "--project-directory", p.project_dir});
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, opts);
}

ProcessResult compose_check(const ComposeProject& p, const std::vector<std::string>& args, const std::string& what,
                            ProcessOptions opts) {
    ProcessResult r = compose_run(p, args, opts);
    if (r.exit_code == 0) return r;
    std::vector<std::string> lines;
    std::istringstream in(r.err);
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) lines.push_back(l);
    std::size_t from = lines.size() > 20 ? lines.size() - 20 : 0;
    Error e(ErrorKind::engine, fmt::format("docker compose could not {} (exit {})", what, r.exit_code));
    for (std::size_t i = from; i < lines.size(); ++i) e.detail("  " + lines[i]);
    e.hint(fmt::format("the Compose file is {}; `devenv logs` shows the containers' output", p.file));
    throw e;
}

}  // namespace devenv

// The `exec` seed kind: commands in the service's container, in order. Their own idempotence
// is the profile's business; devenv reports each as updated (ran) or failed (exit code, output).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "seed/registry.hpp"

namespace devenv {

namespace {

std::string last_lines(const std::string& text, int n) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        if (nl > pos) lines.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    if (static_cast<int>(lines.size()) > n) lines.erase(lines.begin(), lines.end() - n);
    return fmt::format("{}", fmt::join(lines, " | "));
}

void seed_exec(const SeedJob& job, SeedSink& sink) {
    const SeedDecl& d = *job.decl;
    for (const auto& step : d.spec.items()) {
        std::vector<std::string> argv;
        if (const Value* cmd = step.find("command"))
            for (const auto& a : cmd->items()) argv.push_back(a.text());
        std::string name = step.has("description") ? step.find("description")->text() : fmt::format("{}", fmt::join(argv, " "));
        if (!job.target.exec) {
            sink.add({d.service, "exec", name, Outcome::failed, "the service has no running container"});
            return;
        }
        ExecResult r = job.target.exec(argv);
        if (r.exit_code != 0) {
            std::string out = last_lines(r.err.empty() ? r.out : r.err, 3);
            sink.add({d.service, "exec", name, Outcome::failed,
                      fmt::format("exited with code {}{}", r.exit_code, out.empty() ? "" : ": " + out)});
            return;  // later steps may depend on this one
        }
        sink.add({d.service, "exec", name, Outcome::updated, "ran"});
    }
}

const SeederEntry kBuiltin[] = {{"exec", seed_exec}};

}  // namespace

std::span<const SeederEntry> builtin_seeders() { return kBuiltin; }

}  // namespace devenv

// The `exec` seed kind: commands in the service's container, in order. Their own idempotence
// is the profile's business; devenv reports each as ran (exit code 0) or failed (exit code, output).
#include <fmt/format.h>

#include "seed/kind.hpp"
#include "util/strings.hpp"

namespace devenv {

namespace {

void seed_exec(const SeedJob& job, SeedSink& sink) {
    const SeedDecl& d = *job.decl;
    for (const auto& step : d.spec.items()) {
        std::vector<std::string> argv;
        if (const Value* cmd = step.find("command"))
            for (const auto& a : cmd->items()) argv.push_back(a.text());
        std::string name = step.has("description") ? step.find("description")->text() : join(argv, " ");
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
        sink.add({d.service, "exec", name, Outcome::ran, "exit code 0"});
    }
}

SchemaPtr exec_schema() {
    using namespace schema;
    return list(object({req("command", list(string())), opt("description", string())}));
}

}  // namespace

extern const SeedKind exec_kind;
const SeedKind exec_kind{
    .name = "exec",
    .family = "builtin",
    .summary = "commands run in the service's container, in order, after every typed kind",
    .phase = 2,
    .schema = exec_schema,
    .seed = seed_exec,
};

}  // namespace devenv

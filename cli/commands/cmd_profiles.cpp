#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/context.hpp"
#include "profile/discover.hpp"

namespace devenv {

void register_profiles(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("profiles", "List built-in and project profiles");
    cmd->callback([&ctx] {
        auto list = list_profiles(ctx.project_dir(), ctx.global.file);
        if (ctx.global.json) {
            nlohmann::ordered_json j;
            j["schema_version"] = 1;
            j["profiles"] = nlohmann::ordered_json::array();
            for (const auto& p : list)
                j["profiles"].push_back({{"name", p.name}, {"source", p.source}, {"description", p.description}});
            ctx.ui->out(j.dump(2));
            return;
        }
        std::size_t w1 = 4, w2 = 6;
        for (const auto& p : list) {
            w1 = std::max(w1, p.name.size());
            w2 = std::max(w2, p.source.size());
        }
        std::string out = fmt::format("{:<{}}  {:<{}}  {}\n", "NAME", w1, "SOURCE", w2, "DESCRIPTION");
        for (const auto& p : list) out += fmt::format("{:<{}}  {:<{}}  {}\n", p.name, w1, p.source, w2, p.description);
        ctx.ui->out(out);
    });
}

void register_version(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("version", "Print devenv's version");
    cmd->callback([&ctx] {
        if (ctx.global.json) {
            nlohmann::ordered_json j{{"schema_version", 1}, {"version", DEVENV_VERSION}};
            ctx.ui->out(j.dump(2));
        } else {
            ctx.ui->out(fmt::format("devenv {}", DEVENV_VERSION));
        }
    });
}

}  // namespace devenv

#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/context.hpp"
#include "lifecycle/doctor.hpp"

namespace devenv {

void register_doctor(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand(
        "doctor", "Check the engine, Compose, DOCKER_HOST, ports, disk, images and tokens (exit 3: engine or Compose, 1: another check)");
    auto profile = std::make_shared<std::string>();
    cmd->add_option("profile", *profile, "Profile whose ports and images to check (default: the project's devenv.yaml)");
    cmd->callback([&ctx, profile] {
        namespace fs = std::filesystem;
        std::optional<Environment> env;
        std::string profile_error;
        std::string dir = ctx.project_dir();
        bool have_profile = !profile->empty() || ctx.global.file || fs::exists(fs::path(dir) / "devenv.yaml") ||
                            recorded_load_options(dir).has_value();
        if (have_profile) {
            try {
                env.emplace(ctx.open(*profile, true));
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::profile && e.kind() != ErrorKind::usage && e.kind() != ErrorKind::io) throw;
                profile_error = e.message();
                if (e.where()) profile_error = fmt::format("{}:{}: {}", e.where()->file, e.where()->line, profile_error);
            }
        }
        DoctorReport r = run_doctor(env ? &*env : nullptr, profile_error);

        if (ctx.ui->options().json) {
            nlohmann::ordered_json j;
            j["schema_version"] = 1;
            j["ok"] = r.ok();
            j["profile"] = env ? nlohmann::ordered_json(env->profile.name) : nlohmann::ordered_json(nullptr);
            j["checks"] = nlohmann::ordered_json::array();
            for (const auto& c : r.checks)
                j["checks"].push_back({{"name", c.name},
                                       {"status", state_name(c.state)},
                                       {"ok", c.state != DoctorCheck::State::fail},
                                       {"summary", c.summary},
                                       {"fix", c.fix.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.fix)}});
            ctx.ui->out(j.dump(2));
        } else {
            std::string out;
            const Ui& ui = *ctx.ui;
            for (const auto& c : r.checks) {
                std::string mark = c.state == DoctorCheck::State::ok     ? ui.green("ok  ")
                                   : c.state == DoctorCheck::State::fail ? ui.red("FAIL")
                                                                         : ui.dim("skip");
                out += fmt::format("{}  {:<16} {}\n", mark, c.name, c.summary);
                if (!c.fix.empty()) out += fmt::format("      {:<16} fix: {}\n", "", c.fix);
            }
            out += r.ok() ? "everything devenv needs is here\n" : "some checks failed: see fix: above\n";
            ctx.ui->out(env ? ctx.mask(out, env->profile) : out);
        }
        if (!r.engine_ok || !r.compose_ok) ctx.exit_code = static_cast<int>(ExitCode::engine);
        else if (!r.ok()) ctx.exit_code = static_cast<int>(ExitCode::failure);
    });
}

}  // namespace devenv

#include <fstream>
#include <random>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/context.hpp"
#include "util/strings.hpp"
#include "lifecycle/seeding.hpp"

namespace devenv {

namespace {

std::string shell_quote(const std::string& v) {
    std::string out = "'";
    for (char c : v) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string dotenv_quote(const std::string& v) {
    bool plain = !v.empty() && v.find_first_of(" \t\"'#$\\\n`") == std::string::npos;
    if (plain) return v;
    // Single quotes are literal in Compose's and most dotenv readers; a value holding one is
    // double-quoted with escapes.
    if (v.find('\'') == std::string::npos && v.find('\n') == std::string::npos) return "'" + v + "'";
    std::string out = "\"";
    for (char c : v) {
        if (c == '"' || c == '\\' || c == '$' || c == '`') out += '\\';
        if (c == '\n') { out += "\\n"; continue; }
        out += c;
    }
    return out + "\"";
}

}  // namespace

// NAME<<DELIMITER / value / DELIMITER with a random delimiter that the value does not hold:
// a value cannot end the entry early and inject further variables into $GITHUB_ENV.
std::string github_env_entry(const std::string& name, const std::string& value) {
    static std::random_device rd;
    std::string delim;
    do {
        delim = fmt::format("ghadelimiter_{:08x}{:08x}{:08x}{:08x}", rd(), rd(), rd(), rd());
    } while (value.find(delim) != std::string::npos);
    return fmt::format("{}<<{}\n{}\n{}\n", name, delim, value, delim);
}

void register_env(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("env", "Connection variables of the environment (eval \"$(devenv env)\")");
    auto profile = std::make_shared<std::string>();
    auto services = std::make_shared<std::vector<std::string>>();
    auto format = std::make_shared<std::string>("shell");
    cmd->add_option("services", *services, "Only these services' variables")->type_name("SERVICE");
    cmd->add_option("-p,--profile", *profile, "Profile (default: the one `up` started)");
    cmd->add_option("--format", *format, "shell (quoted for eval), dotenv, json, github (appends to $GITHUB_ENV)")
        ->check(CLI::IsMember({"shell", "dotenv", "json", "github"}));
    cmd->callback([&ctx, profile, services, format] {
        Environment env = ctx.open(*profile, true);
        check_service_names(*services, env.profile);
        std::vector<Export> all;
        for (const auto& s : env.profile.services) {
            if (!services->empty() && std::find(services->begin(), services->end(), s.name) == services->end()) continue;
            for (const auto& e : s.exports) all.push_back(e);
        }
        // Identifiers seeding recorded (user pool ids, queue URLs), then project-level remaps.
        for (const auto& e : seeded_exports(env, *services)) all.push_back(e);
        if (services->empty())
            for (const auto& e : env.profile.exports) all.push_back(e);
        // Later definitions (project-level remaps) win, first position kept.
        std::vector<Export> merged;
        for (const auto& e : all) {
            auto it = std::find_if(merged.begin(), merged.end(), [&](const Export& m) { return m.name == e.name; });
            if (it == merged.end()) merged.push_back(e);
            else *it = e;
        }
        if (ctx.global.json || *format == "json") {
            nlohmann::ordered_json j;
            j["schema_version"] = 1;
            j["project"] = env.profile.project;
            j["variables"] = nlohmann::ordered_json::object();
            for (const auto& e : merged) j["variables"][e.name] = e.value;
            ctx.ui->out(j.dump(2));
            return;
        }
        std::string text;
        std::string masks;  // GitHub's ::add-mask:: for each secret value, one line each
        for (const auto& e : merged) {
            if (*format == "shell") text += fmt::format("export {}={}\n", e.name, shell_quote(e.value));
            else if (*format == "dotenv") text += fmt::format("{}={}\n", e.name, dotenv_quote(e.value));
            else text += github_env_entry(e.name, e.value);
            if (*format == "github" && e.secret)
                for (const auto& line : split(e.value, '\n'))
                    if (!line.empty()) masks += fmt::format("::add-mask::{}\n", line);
        }
        if (!masks.empty()) ctx.ui->out(masks);
        const char* gh = std::getenv("GITHUB_ENV");
        if (*format == "github" && gh && *gh) {
            std::ofstream f(gh, std::ios::app);
            f << text;
            if (!f) throw Error(ErrorKind::io, fmt::format("cannot append to GITHUB_ENV file {}", gh));
            ctx.ui->note(fmt::format("appended {} variables to {}", merged.size(), gh));
            return;
        }
        if (!text.empty()) ctx.ui->out(text);
    });
}

}  // namespace devenv

#include "lifecycle/exports.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "lifecycle/seeding.hpp"
#include "util/strings.hpp"

namespace devenv {

ExportFormat parse_export_format(const std::string& name) {
    if (name == "shell") return ExportFormat::shell;
    if (name == "dotenv") return ExportFormat::dotenv;
    if (name == "json") return ExportFormat::json;
    if (name == "github") return ExportFormat::github;
    throw Error(ErrorKind::usage, fmt::format("--format: no format '{}'", name)).hint("shell, dotenv, json or github");
}

std::vector<Export> environment_exports(const Environment& env, const std::vector<std::string>& services) {
    std::vector<Export> all;
    for (const auto& s : env.profile.services) {
        if (!services.empty() && std::find(services.begin(), services.end(), s.name) == services.end()) continue;
        for (const auto& e : s.exports) {
            auto it = std::find_if(all.begin(), all.end(), [&](const Export& m) { return m.name == e.name; });
            if (it != all.end() && e.yields && !it->yields) continue;  // the other service's value stays
            if (it != all.end()) *it = e;
            else all.push_back(e);
        }
    }
    // Identifiers seeding recorded (user pool ids, queue URLs), then project-level remaps.
    for (const auto& e : seeded_exports(env, services)) all.push_back(e);
    if (services.empty())
        for (const auto& e : env.profile.exports) all.push_back(e);
    // Later definitions (project-level remaps) win, first position kept.
    std::vector<Export> merged;
    for (const auto& e : all) {
        auto it = std::find_if(merged.begin(), merged.end(), [&](const Export& m) { return m.name == e.name; });
        if (it == merged.end()) merged.push_back(e);
        else *it = e;
    }
    return merged;
}

std::vector<ExportConflict> export_conflicts(const Profile& p) {
    struct Seen {
        const Service* service;
        const Export* e;
    };
    std::vector<Seen> kept;
    std::vector<ExportConflict> out;
    for (const auto& s : p.services)
        for (const auto& e : s.exports) {
            auto it = std::find_if(kept.begin(), kept.end(), [&](const Seen& k) { return k.e->name == e.name; });
            if (it == kept.end()) {
                kept.push_back({&s, &e});
                continue;
            }
            if (e.yields && !it->e->yields) continue;
            bool chosen_by_profile = std::any_of(p.exports.begin(), p.exports.end(), [&](const Export& x) { return x.name == e.name; });
            if (!it->e->yields && !e.yields && it->e->value != e.value && !chosen_by_profile)
                out.push_back({e.name, s.name, e.value, it->service->name, it->e->value, e.secret || it->e->secret});
            *it = {&s, &e};
        }
    return out;
}

ExportPlan plan_exports(const Environment& env, const std::vector<std::string>& services, ExportFormat format) {
    ExportPlan plan;
    plan.project = env.profile.project;
    plan.format = format;
    plan.variables = environment_exports(env, services);
    if (format == ExportFormat::json) return plan;
    for (const auto& e : plan.variables) {
        if (format == ExportFormat::shell) plan.text += fmt::format("export {}={}\n", e.name, shell_quote(e.value));
        else if (format == ExportFormat::dotenv) plan.text += fmt::format("{}={}\n", e.name, dotenv_quote(e.value));
        else plan.text += github_env_entry(e.name, e.value);
        if (format == ExportFormat::github && e.secret)
            for (const auto& line : split(e.value, '\n'))
                if (!line.empty()) plan.masks += fmt::format("::add-mask::{}\n", line);
    }
    const char* gh = std::getenv("GITHUB_ENV");
    if (format == ExportFormat::github && gh && *gh) plan.github_env = gh;
    return plan;
}

void append_exports(const ExportPlan& plan) {
    if (!plan.github_env) return;
    std::ofstream f(*plan.github_env, std::ios::app);
    f << plan.text;
    if (!f) throw Error(ErrorKind::io, fmt::format("cannot append to GITHUB_ENV file {}", *plan.github_env));
}

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
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

std::string github_env_entry(const std::string& name, const std::string& value) {
    static std::random_device rd;
    std::string delim;
    do {
        delim = fmt::format("ghadelimiter_{:08x}{:08x}{:08x}{:08x}", rd(), rd(), rd(), rd());
    } while (value.find(delim) != std::string::npos);
    return fmt::format("{}<<{}\n{}\n{}\n", name, delim, value, delim);
}

}  // namespace devenv

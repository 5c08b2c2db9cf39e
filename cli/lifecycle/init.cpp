#include "lifecycle/init.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "profile/discover.hpp"
#include "profile/load.hpp"
#include "seed/check.hpp"
#include "util/fs.hpp"

namespace devenv {

namespace {

// A commented seed example for the first service that takes one of these kinds.
std::string seed_example(const Profile& p) {
    for (const auto& s : p.services) {
        auto has = [&](const char* k) { return std::find(s.seed_kinds.begin(), s.seed_kinds.end(), k) != s.seed_kinds.end(); };
        if (has("dynamodb"))
            return fmt::format(
                "#   {}:\n"
                "#     dynamodb:\n"
                "#       tables:\n"
                "#         - name: notes\n"
                "#           attributes: {{pk: S, sk: S}}\n"
                "#           hash_key: pk\n"
                "#           range_key: sk\n"
                "#           ttl: expiresAt\n"
                "#     sqs:\n"
                "#       queues: [{{name: notes-dlq}}, {{name: notes, dead_letter: {{queue: notes-dlq, max_receive_count: 5}}}}]\n",
                s.name);
        if (has("postgres"))
            return fmt::format(
                "#   {}:\n"
                "#     postgres:\n"
                "#       databases:\n"
                "#         - name: app\n"
                "#           sql: [{{text: \"CREATE TABLE IF NOT EXISTS notes (id bigserial PRIMARY KEY, body text);\"}}]\n",
                s.name);
        if (has("redis"))
            return fmt::format("#   {}:\n#     redis:\n#       keys: [{{key: \"feature:beta\", value: \"on\"}}]\n", s.name);
        if (has("kafka"))
            return fmt::format("#   {}:\n#     kafka:\n#       topics: [{{name: notes, partitions: 3}}]\n", s.name);
    }
    return "#   SERVICE:\n#     exec:\n#       - command: [sh, -c, \"echo seeded\"]\n";
}

}  // namespace

std::string starter_profile(const Profile& base, const std::string& from, const std::string& name) {
    std::string services;
    for (const auto& s : base.services) {
        std::string kinds;
        for (const auto& k : s.seed_kinds) kinds += (kinds.empty() ? "" : ", ") + k;
        services += fmt::format("#   {:<16} {}{}\n", s.name, s.template_name.empty() ? "(own service)" : "template " + s.template_name,
                                kinds.empty() ? "" : "; seed: " + kinds);
    }
    std::string overlays;
    for (const auto& o : base.available_overlays) overlays += (overlays.empty() ? "" : ", ") + o;
    std::string text = fmt::format(
        "# devenv.yaml: this project's development environment.\n"
        "#   devenv up                 start it, wait until every service answers, seed it\n"
        "#   eval \"$(devenv env)\"      export the connection variables\n"
        "#   devenv status / down      see it / stop it (down --volumes also drops the data)\n"
        "#   devenv config             the resolved profile, after extends and overlays\n"
        "# Every key: docs/profiles.md (or `man devenv`).\n"
        "name: {}\n"
        "description: {} on the {} profile\n"
        "\n"
        "# Everything from the `{}` profile; change its services below by name (keys merge).\n"
        "# Its services:\n"
        "{}"
        "{}"
        "extends: {}\n"
        "\n"
        "# Your own services: any Compose service (image or build), with a readiness probe.\n"
        "# services:\n"
        "#   api:\n"
        "#     build: {{context: ., dockerfile: Dockerfile}}\n"
        "#     ports: [\"8080:8080\"]\n"
        "#     depends_on: [{}]\n"
        "#     probe: {{kind: http, port: 8080, path: /health, timeout: 120s}}\n"
        "#   {}:\n"
        "#     with: {{}}           # template parameters: `devenv templates NAME` lists them\n"
        "\n"
        "# What the services must hold once they are up. Applied on every `up`, idempotently.\n"
        "# seed:\n"
        "{}"
        "\n"
        "# Variables for your app under the names it expects (`devenv env` prints them).\n"
        "# exports:\n"
        "#   APP_{}: \"${{{}.{}}}\"\n",
        name, name, from, from, services,
        overlays.empty() ? "" : fmt::format("# Its overlays (devenv up --overlay NAME): {}\n", overlays), from,
        base.services.empty() ? "db" : base.services.front().name, base.services.empty() ? "db" : base.services.front().name,
        seed_example(base), "ENDPOINT", base.services.empty() ? "db" : base.services.front().name,
        !base.services.empty() && !base.services.front().exports.empty() ? base.services.front().exports.front().name
                                                                          : "URL");
    return text;
}

bool ignores_devenv(const std::string& gitignore) {
    std::istringstream in(gitignore);
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
        if (line == ".devenv" || line == ".devenv/" || line == "/.devenv" || line == "/.devenv/") return true;
    }
    return false;
}


InitResult init_project(const InitOptions& opts, const std::function<void(const std::string&)>& on_note) {
    namespace fs = std::filesystem;
    fs::path dir = opts.chdir.empty() ? fs::current_path() : fs::absolute(opts.chdir);
    fs::path file = opts.file ? fs::absolute(*opts.file) : dir / "devenv.yaml";
    if (opts.file) dir = file.parent_path();
    std::string shown = display_path(file.string());
    if (fs::exists(file) && !opts.force)
        throw Error(ErrorKind::usage, fmt::format("{} already exists", shown))
            .hint("`devenv init --force` overwrites it; `devenv config` shows what it holds");

    // Load the base from the built-ins and .devenv/profiles/ only: an existing devenv.yaml
    // being replaced must not shadow it.
    LoadOptions o;
    o.project_dir = dir.string();
    o.profile = opts.from;
    o.project_name = "init";
    Profile base = load_checked_profile(o);

    std::string name = dir.filename().string();
    if (name.empty()) name = "project";
    if (name == opts.from) name += "-dev";  // `extends: web` from a profile named web would find itself
    write_file_if_changed(file.string(), starter_profile(base, opts.from, name));
    on_note(fmt::format("wrote {} (extends {})", shown, opts.from));

    fs::path gi = dir / ".gitignore";
    std::string old;
    if (auto text = read_file(gi.string())) old = *text;
    if (!ignores_devenv(old)) {
        std::ofstream f(gi, std::ios::app);
        if (!old.empty() && old.back() != '\n') f << '\n';
        f << "# devenv's rendered Compose file, state and lock\n.devenv/\n";
        if (!f) throw Error(ErrorKind::io, fmt::format("cannot append to {}", display_path(gi.string())));
        on_note(fmt::format("added .devenv/ to {}", display_path(gi.string())));
    }
    return InitResult{shown};
}

}  // namespace devenv

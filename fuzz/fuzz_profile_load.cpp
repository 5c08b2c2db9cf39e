// The whole profile load from bytes, as `devenv render` does it: YAML, schema validation,
// `extends` (within a throwaway project folder), overlays, --set, variables and .env files,
// templates, interpolation, Compose rules, seeds; then the Compose file is rendered and read
// back, and must be the tree it came from.
//
// Input: devenv.yaml, then optional sections, each starting with a line "=== PATH" (a file
// in the project: .env, .devenv/profiles/base.yaml, .devenv/templates/db.yaml, other.yaml)
// or "=== args" (lines "overlay NAME", "set PATH=VALUE", "offset N", "profile NAME").
// Expected failures are devenv::Error; anything else escaping is a finding.
// fuzz-links: devenv_seed devenv_render
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>

#include "common.hpp"
#include "profile/load.hpp"
#include "seed/check.hpp"
#include "render/compose.hpp"
#include "util/error.hpp"
#include "yaml/yaml.hpp"

namespace fs = std::filesystem;

namespace {

bool same(const devenv::Value& a, const devenv::Value& b) {
    using T = devenv::Value::Type;
    if (a.type() != b.type()) return false;
    switch (a.type()) {
    case T::number:
        return (std::isnan(a.as_number()) && std::isnan(b.as_number())) || a.as_number() == b.as_number();
    case T::sequence:
        if (a.items().size() != b.items().size()) return false;
        for (std::size_t i = 0; i < a.items().size(); ++i)
            if (!same(a.items()[i], b.items()[i])) return false;
        return true;
    case T::mapping:
        if (a.entries().size() != b.entries().size()) return false;
        for (std::size_t i = 0; i < a.entries().size(); ++i)
            if (a.entries()[i].key != b.entries()[i].key || !same(a.entries()[i].value, b.entries()[i].value))
                return false;
        return true;
    default:
        return a == b;
    }
}

bool safe_path(std::string_view p) {
    if (p.empty() || p.size() > 64 || p.front() == '/' || p.find("..") != std::string_view::npos) return false;
    for (char c : p)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/' || c == '_' || c == '-')) return false;
    return p.back() != '/';
}

// One folder per process, removed at exit.
struct ProjectRoot {
    fs::path path = fs::temp_directory_path() / ("devenv-fuzz-" + std::to_string(::getpid()));
    ProjectRoot() { fs::create_directories(path); }
    ~ProjectRoot() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

const fs::path& project_root() {
    static const ProjectRoot root;
    return root.path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using devenv::fuzz::split_once;
    const fs::path& root = project_root();
    fs::path dir = root / "app";
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir);

    devenv::LoadOptions opts;
    opts.project_dir = dir.string();
    opts.project_name = "fuzz";
    std::map<std::string, std::string, std::less<>> env{{"HOME", "/home/dev"}, {"CI", "true"}};
    opts.getenv = [&env](std::string_view n) -> std::optional<std::string> {
        auto it = env.find(n);
        if (it == env.end()) return std::nullopt;
        return it->second;
    };

    std::string_view rest = devenv::fuzz::as_text(data, size);
    std::string_view name = "devenv.yaml";
    int files = 0;
    for (;;) {
        auto at = rest.find("\n=== ");
        std::string_view body = at == std::string_view::npos ? rest : rest.substr(0, at);
        if (name == "args") {
            while (!body.empty()) {
                auto [line, next] = split_once(body, "\n");
                auto [verb, arg] = split_once(line, " ");
                if (verb == "overlay") opts.overlays.emplace_back(arg);
                else if (verb == "set") opts.sets.emplace_back(arg);
                else if (verb == "profile" && safe_path(arg)) opts.profile = std::string(arg);
                else if (verb == "offset" && !arg.empty() && arg.size() <= 5 &&
                         arg.find_first_not_of("0123456789") == std::string_view::npos)
                    opts.port_offset = std::stoi(std::string(arg));
                body = next;
            }
        } else if (safe_path(name) && files++ < 8) {
            fs::path p = dir / std::string(name);
            fs::create_directories(p.parent_path(), ec);
            std::ofstream(p, std::ios::binary) << body;
        }
        if (at == std::string_view::npos) break;
        std::tie(name, rest) = split_once(rest.substr(at + 5), "\n");
    }

    devenv::Profile profile;
    try {
        profile = devenv::load_checked_profile(opts);
    } catch (const devenv::Error&) {
        return 0;
    }
    devenv::Value model = devenv::compose_document(profile);
    std::string rendered = devenv::render_compose(profile);
    devenv::Value back;
    try {
        back = devenv::parse_yaml(rendered, "compose.yaml");
    } catch (const devenv::Error& e) {
        std::fprintf(stderr, "rendered Compose file does not parse: %s\n%s\n", e.message().c_str(), rendered.c_str());
        std::abort();
    }
    if (!same(model, back)) {
        std::fprintf(stderr, "rendered Compose file reads back different\n%s\n", rendered.c_str());
        std::abort();
    }
    return 0;
}

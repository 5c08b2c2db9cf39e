#include "profile/discover.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "assets/assets.hpp"
#include "util/suggest.hpp"
#include "yaml/yaml.hpp"

namespace fs = std::filesystem;

namespace devenv {

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string display_path(const std::string& absolute) {
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    fs::path p(absolute);
    if (!ec) {
        fs::path rel = p.lexically_relative(cwd);
        if (!rel.empty() && *rel.begin() != "..") return rel.string();
    }
    return p.string();
}

std::string find_project_dir(const std::string& start) {
    std::error_code ec;
    fs::path dir = fs::absolute(start, ec);
    for (fs::path d = dir; !d.empty(); d = d.parent_path()) {
        if (fs::exists(d / "devenv.yaml", ec)) return d.string();
        if (d == d.root_path()) break;
    }
    return dir.lexically_normal().string();
}

namespace {

ProfileSource from_file(const fs::path& path, std::string name) {
    auto text = read_file(path.string());
    if (!text) throw Error(ErrorKind::profile, fmt::format("cannot read profile file {}", display_path(path.string())));
    ProfileSource s;
    s.name = std::move(name);
    s.identity = fs::weakly_canonical(path).string();
    s.shown_path = display_path(s.identity);
    s.base_dir = fs::path(s.identity).parent_path().string();
    s.text = std::move(*text);
    return s;
}

std::optional<ProfileSource> builtin(const std::string& folder, const std::string& name) {
    std::string path = fmt::format("{}/{}.yaml", folder, name);
    auto content = find_asset(path);
    if (!content) return std::nullopt;
    ProfileSource s;
    s.name = name;
    s.shown_path = "builtin:" + path;
    s.identity = s.shown_path;
    s.text = std::string(*content);
    s.builtin = true;
    return s;
}

std::vector<std::string> builtin_names(const std::string& folder) {
    std::vector<std::string> out;
    std::string prefix = folder + "/";
    for (const Asset& a : embedded_assets()) {
        if (a.path.starts_with(prefix) && a.path.ends_with(".yaml") &&
            a.path.find('/', prefix.size()) == std::string_view::npos)
            out.emplace_back(a.path.substr(prefix.size(), a.path.size() - prefix.size() - 5));
    }
    return out;
}

std::string profile_name_of(const std::string& text, const std::string& fallback) {
    try {
        Value v = parse_yaml(text, "x");
        if (const Value* n = v.is_mapping() ? v.find("name") : nullptr; n && n->is_scalar() && !n->is_null())
            return n->text();
    } catch (const Error&) {
    }
    return fallback;
}

std::string description_of(const std::string& text) {
    try {
        Value v = parse_yaml(text, "x");
        if (const Value* d = v.is_mapping() ? v.find("description") : nullptr; d && d->is_scalar()) return d->text();
    } catch (const Error&) {
        return "(does not parse)";
    }
    return {};
}

std::vector<fs::path> project_profile_files(const std::string& project_dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    fs::path dir = fs::path(project_dir) / ".devenv" / "profiles";
    if (fs::is_directory(dir, ec)) {
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.path().extension() == ".yaml" || e.path().extension() == ".yml") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool looks_like_path(const std::string& s) {
    return s.find('/') != std::string::npos || s.ends_with(".yaml") || s.ends_with(".yml");
}

std::vector<std::string> all_profile_names(const std::string& project_dir) {
    std::vector<std::string> names;
    for (const auto& p : list_profiles(project_dir, std::nullopt)) names.push_back(p.name);
    return names;
}

}  // namespace

ProfileSource locate_profile(const std::string& project_dir, const std::string& name,
                             const std::optional<std::string>& file) {
    fs::path main = file ? fs::absolute(*file) : fs::path(project_dir) / "devenv.yaml";
    std::error_code ec;
    if (file && !fs::exists(main, ec))
        throw Error(ErrorKind::profile, fmt::format("profile file {} does not exist", *file));
    if (name.empty()) {
        if (!fs::exists(main, ec)) {
            Error e(ErrorKind::profile, "no profile named and no devenv.yaml in this folder or above");
            e.hint(fmt::format("name a built-in profile (devenv up {}) or create one with `devenv init`",
                               fmt::join(builtin_names("profiles"), " | ")));
            throw e;
        }
        ProfileSource s = from_file(main, "");
        s.name = profile_name_of(s.text, fs::path(project_dir).filename().string());
        return s;
    }
    if (looks_like_path(name)) {
        fs::path p = fs::absolute(name);
        if (!fs::exists(p, ec)) throw Error(ErrorKind::profile, fmt::format("profile file {} does not exist", name));
        ProfileSource s = from_file(p, "");
        s.name = profile_name_of(s.text, p.stem().string());
        return s;
    }
    if (fs::exists(main, ec)) {
        auto text = read_file(main.string());
        if (text && profile_name_of(*text, "") == name) return from_file(main, name);
    }
    for (const auto& p : project_profile_files(project_dir))
        if (p.stem() == name) return from_file(p, name);
    if (auto b = builtin("profiles", name)) return *b;
    Error e(ErrorKind::profile, fmt::format("no profile named '{}'", name));
    if (auto near = suggest(name, all_profile_names(project_dir))) e.hint(fmt::format("did you mean '{}'?", *near));
    e.hint("`devenv profiles` lists the profiles this folder can use");
    throw e;
}

ProfileSource locate_extends(const std::string& project_dir, const std::string& ref, const std::string& from_dir,
                             const Mark& at) {
    std::error_code ec;
    if (looks_like_path(ref)) {
        fs::path p = fs::path(ref).is_absolute() ? fs::path(ref)
                                                 : fs::path(from_dir.empty() ? project_dir : from_dir) / ref;
        if (!fs::exists(p, ec))
            throw error_at(at, "extends", fmt::format("file {} does not exist", display_path(p.string())));
        ProfileSource s = from_file(p, "");
        s.name = profile_name_of(s.text, p.stem().string());
        return s;
    }
    for (const auto& p : project_profile_files(project_dir))
        if (p.stem() == ref) return from_file(p, ref);
    if (auto b = builtin("profiles", ref)) return *b;
    Error e = error_at(at, "extends", fmt::format("no profile named '{}'", ref));
    if (auto near = suggest(ref, all_profile_names(project_dir))) e.hint(fmt::format("did you mean '{}'?", *near));
    throw e;
}

std::optional<ProfileSource> locate_template(const std::string& project_dir, const std::string& name) {
    std::error_code ec;
    fs::path p = fs::path(project_dir) / ".devenv" / "templates" / (name + ".yaml");
    if (fs::exists(p, ec)) return from_file(p, name);
    return builtin("templates", name);
}

std::vector<std::string> template_names(const std::string& project_dir) {
    std::vector<std::string> names = builtin_names("templates");
    std::error_code ec;
    fs::path dir = fs::path(project_dir) / ".devenv" / "templates";
    if (fs::is_directory(dir, ec))
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

std::vector<ProfileInfo> list_profiles(const std::string& project_dir, const std::optional<std::string>& file) {
    std::vector<ProfileInfo> out;
    std::error_code ec;
    fs::path main = file ? fs::absolute(*file) : fs::path(project_dir) / "devenv.yaml";
    if (fs::exists(main, ec)) {
        auto text = read_file(main.string()).value_or("");
        out.push_back({profile_name_of(text, fs::path(project_dir).filename().string()),
                       display_path(main.string()), description_of(text)});
    }
    for (const auto& p : project_profile_files(project_dir)) {
        auto text = read_file(p.string()).value_or("");
        out.push_back({p.stem().string(), display_path(p.string()), description_of(text)});
    }
    for (const auto& n : builtin_names("profiles")) {
        auto b = builtin("profiles", n);
        out.push_back({n, "built-in", description_of(b->text)});
    }
    return out;
}

}  // namespace devenv

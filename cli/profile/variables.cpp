#include "profile/variables.hpp"

#include <filesystem>

#include "profile/discover.hpp"
#include "profile/tree_interpolate.hpp"
#include "util/dotenv.hpp"

namespace devenv {

VariableScope::VariableScope(EnvLookup env, const std::string& project_dir) : env_(env ? std::move(env) : process_env()) {
    namespace fs = std::filesystem;
    auto load = [&](const char* name, std::map<std::string, std::string, std::less<>>& into) {
        fs::path p = fs::path(project_dir) / name;
        auto text = read_file(p.string());
        if (!text) return;
        // Values in .env files may refer to the environment and to earlier keys.
        for (const auto& entry : parse_dotenv(*text, display_path(p.string()), env_))
            into[entry.key] = entry.value;
    };
    load(".env", dotenv_);
    load(".env.local", dotenv_local_);
}

void VariableScope::set_defaults(const Value& variables) {
    if (!variables.is_mapping()) return;
    for (const auto& e : variables.entries()) {
        std::string path = join_path("variables", e.key);
        if (e.value.is_sequence()) {
            std::string joined;
            for (const auto& item : e.value.items()) joined += (joined.empty() ? "" : ",") + item.text();
            defaults_[e.key] = joined;
        } else {
            defaults_[e.key] = interpolate_string(e.value, path, as_lookup());
        }
    }
}

std::optional<std::string> VariableScope::lookup(std::string_view name) const {
    if (auto v = env_(name)) return v;
    if (auto it = dotenv_local_.find(name); it != dotenv_local_.end()) return it->second;
    if (auto it = dotenv_.find(name); it != dotenv_.end()) return it->second;
    if (auto it = defaults_.find(name); it != defaults_.end()) return it->second;
    return std::nullopt;
}

EnvLookup VariableScope::as_lookup() const {
    return [this](std::string_view name) { return lookup(name); };
}

}  // namespace devenv

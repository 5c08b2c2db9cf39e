#pragma once
// The lookup chain for ${VAR} in profiles: process environment, then .env.local, then .env
// (both in the project folder), then the profile's `variables:` defaults.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "profile/load.hpp"
#include "yaml/value.hpp"

namespace devenv {

class VariableScope {
public:
    VariableScope(EnvLookup env, const std::string& project_dir);
    // Profile `variables:` (already merged across extends/overlays). Their values may refer to
    // other variables; they are interpolated with the chain above them.
    void set_defaults(const Value& variables);
    std::optional<std::string> lookup(std::string_view name) const;
    EnvLookup as_lookup() const;

private:
    EnvLookup env_;
    std::map<std::string, std::string, std::less<>> dotenv_local_;
    std::map<std::string, std::string, std::less<>> dotenv_;
    std::map<std::string, std::string, std::less<>> defaults_;
};

}  // namespace devenv

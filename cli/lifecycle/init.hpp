#pragma once
// `devenv init`: a commented devenv.yaml that extends a profile, and .devenv/ in .gitignore.
#include <functional>
#include <optional>
#include <string>

#include "profile/model.hpp"

namespace devenv {

struct InitOptions {
    std::string chdir;                // -C DIR ("" = the current folder)
    std::optional<std::string> file;  // -f FILE: write there instead of DIR/devenv.yaml
    std::string from = "aws";         // --from PROFILE
    bool force = false;               // --force: overwrite an existing file
};

struct InitResult {
    std::string shown;  // the file written, as shown to the user
};

// Writes the file and, when it does not ignore .devenv/ yet, appends it to .gitignore; each
// step is reported to `on_note` once done. Error(usage) when the file exists without force.
InitResult init_project(const InitOptions& o, const std::function<void(const std::string&)>& on_note);

// The starter devenv.yaml extending `base` (loaded from `from`) for a project called `name`.
std::string starter_profile(const Profile& base, const std::string& from, const std::string& name);
// Whether a .gitignore's text already ignores .devenv/.
bool ignores_devenv(const std::string& gitignore);

}  // namespace devenv

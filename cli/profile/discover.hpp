#pragma once
// Where profiles and templates come from: a project's devenv.yaml (found upward from the
// current folder, or given with -f), the project's .devenv/profiles/ and .devenv/templates/,
// then the built-ins embedded in the binary.
#include <optional>
#include <string>
#include <vector>

#include "yaml/value.hpp"

namespace devenv {

struct ProfileSource {
    std::string name;         // profile name
    std::string shown_path;   // for messages: "devenv.yaml", "builtin:profiles/aws.yaml"
    std::string identity;     // absolute path or "builtin:..."; used for extends-cycle checks
    std::string base_dir;     // folder its relative paths resolve against ("" = built-in)
    std::string text;
    bool builtin = false;
};

struct ProfileInfo {
    std::string name;
    std::string source;       // "built-in", "devenv.yaml", ".devenv/profiles/x.yaml"
    std::string description;
};

// The folder holding devenv.yaml, searching upward from `start`; `start` itself when none.
std::string find_project_dir(const std::string& start);

// `name` may be empty (the project's devenv.yaml), a profile name, or a path to a file.
// Throws Error(profile) naming what was searched, with "did you mean" for near names.
ProfileSource locate_profile(const std::string& project_dir, const std::string& name,
                             const std::optional<std::string>& file);
// For `extends:`: a built-in/project profile name, or a path relative to `from_dir`.
ProfileSource locate_extends(const std::string& project_dir, const std::string& ref, const std::string& from_dir,
                             const Mark& at);

std::optional<ProfileSource> locate_template(const std::string& project_dir, const std::string& name);
std::vector<std::string> template_names(const std::string& project_dir);

std::vector<ProfileInfo> list_profiles(const std::string& project_dir, const std::optional<std::string>& file);

// Path relative to the current folder when it is below it, else absolute.
std::string display_path(const std::string& absolute);
std::optional<std::string> read_file(const std::string& path);

}  // namespace devenv

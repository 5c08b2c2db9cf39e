#pragma once
// `devenv env`: the environment's connection variables and their formats (shell for eval,
// dotenv, GitHub's $GITHUB_ENV entries).
#include <optional>
#include <string>
#include <vector>

#include "lifecycle/environment.hpp"

namespace devenv {

enum class ExportFormat { shell, dotenv, json, github };
// "shell", "dotenv", "json", "github"; Error(usage) otherwise.
ExportFormat parse_export_format(const std::string& name);

// The variables `devenv env` gives: the chosen services' exports (all when empty), what seeding
// recorded (user pool ids, queue URLs), and for the whole environment the project-level remaps.
// A later definition of a name wins and keeps the first one's position, except that a service's
// export marked `yields` gives way to another service's (the emulators' any-value credentials).
std::vector<Export> environment_exports(const Environment& env, const std::vector<std::string>& services);

struct ExportPlan {
    std::string project;
    ExportFormat format = ExportFormat::shell;
    std::vector<Export> variables;
    std::string text;                       // the variables in `format` (empty for json)
    std::string masks;                      // github: an ::add-mask:: line per line of a secret value
    std::optional<std::string> github_env;  // github with GITHUB_ENV set: the file `text` goes to
};

// Two services exporting one name with different values, neither giving way (`yield_exports`)
// and the profile's own `exports:` not choosing: the later one is exported (`used`), the other
// is lost. `devenv env` and `up` warn about each.
struct ExportConflict {
    std::string name;
    std::string used_service, used_value;
    std::string lost_service, lost_value;
    bool secret = false;  // either value is a secret
};
std::vector<ExportConflict> export_conflicts(const Profile& p);

ExportPlan plan_exports(const Environment& env, const std::vector<std::string>& services, ExportFormat format);
// Appends plan.text to *plan.github_env; Error(io) when it cannot.
void append_exports(const ExportPlan& plan);

// Single quotes for `eval`.
std::string shell_quote(const std::string& v);
// Bare when safe, else single or double quotes as Compose's and most dotenv readers read them.
std::string dotenv_quote(const std::string& v);
// NAME<<DELIMITER / value / DELIMITER with a random delimiter that the value does not hold:
// a value cannot end the entry early and inject further variables into $GITHUB_ENV.
std::string github_env_entry(const std::string& name, const std::string& value);

}  // namespace devenv

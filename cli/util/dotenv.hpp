#pragma once
// .env files with Compose's semantics: KEY=VALUE, `export KEY=VALUE`, # comments, single quotes
// (literal), double quotes (escapes, interpolation, several lines), unquoted values trimmed
// (an inline comment needs a space before '#').
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace devenv {

struct DotenvEntry {
    std::string key;
    std::string value;
    int line = 0;
};

// `lookup` resolves ${VAR} in unquoted and double-quoted values after the file's own earlier
// keys. Throws Error(profile) at file:line:col for malformed lines.
std::vector<DotenvEntry> parse_dotenv(std::string_view text, const std::string& file,
                                      const std::function<std::optional<std::string>(std::string_view)>& lookup);

}  // namespace devenv

#pragma once
// Interpolation with Docker Compose's semantics:
//   $VAR ${VAR}         value, or "" when unset
//   ${VAR:-default}     default when unset or empty     ${VAR-default}  default when unset
//   ${VAR:+alt}         alt when set and non-empty      ${VAR+alt}      alt when set
//   ${VAR:?message}     error when unset or empty       ${VAR?message}  error when unset
//   $$                  a literal $
// Defaults, alternatives and messages may themselves be interpolated (${A:-${B:-x}}).
// devenv extension: inside braces, names may contain '.' and '-' (${postgres.DATABASE_URL}).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace devenv {

using VarLookup = std::function<std::optional<std::string>(std::string_view name)>;

struct InterpolationResult {
    bool ok = true;
    std::string value;     // when ok
    std::string message;   // when not: what is wrong, naming the variable
    std::size_t offset = 0;  // when not: where in the input (0-based)
};

// Never throws.
InterpolationResult try_interpolate(std::string_view input, const VarLookup& lookup);

// Throws Error(profile) with the message (the caller adds the position).
std::string interpolate(std::string_view input, const VarLookup& lookup);

// Whether the string has anything interpolation would change ($$ counts).
bool has_interpolation(std::string_view input);

// Escapes every `$` as `$$`, for writing resolved values into a Compose file.
std::string escape_dollars(std::string_view input);

// When the whole string is exactly one braced reference with no modifier ("${name}"), the name.
std::optional<std::string> whole_reference(std::string_view input);

}  // namespace devenv

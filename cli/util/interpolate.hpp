#pragma once
// Interpolation with Docker Compose's semantics:
//   $VAR ${VAR}         the value, or "" when unset
//   ${VAR:-default}     default when unset or empty     ${VAR-default}  default when unset
//   ${VAR:+alt}         alt when set and not empty      ${VAR+alt}      alt when set
//   ${VAR:?message}     error when unset or empty       ${VAR?message}  error when unset
//   $$                  a literal $
// A '$' followed by anything else ("$1", "$ ", a trailing "$") stays as written, as in Compose.
// Defaults, alternatives and messages may themselves be interpolated (${A:-${B:-x}}); braces in
// them nest ("${A:-{x}}" is "{x}"), as Compose counts them.
//
// Where devenv differs from Compose, on purpose:
// - Qualified names inside braces: `${postgres.DATABASE_URL}`, `${aws.port}`, `${my-api.URL}`.
//   A name with a '.' is `qualifier.segment[.segment...]`; segments are [A-Za-z_][A-Za-z0-9_]*,
//   and only the qualifier (a service name) may also hold '-'. Without a '.', names are
//   Compose's ([A-Za-z_][A-Za-z0-9_]*), so `${VAR-default}` keeps its meaning, and so does
//   `${version-16.2}` (a segment cannot start with a digit). The one reading that changes is
//   `${NAME-word.word}`, which names a qualified variable; write `${NAME:-word.word}` there.
//   Unbraced `$VAR` takes Compose's names only.
// - The branch not taken is not evaluated: `${A:-${B:?missing}}` with A set succeeds (Compose
//   evaluates the default first and fails). Syntax errors are reported in every branch.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/env.hpp"

namespace devenv {

enum class InterpolationError {
    none,
    syntax,    // unterminated "${", invalid name, unknown modifier
    required,  // ${VAR:?msg} / ${VAR?msg} with VAR missing
    too_large, // expands past kMaxInterpolatedBytes or the active InterpolationBudget
};

struct InterpolationResult {
    bool ok = true;
    std::string value;  // when ok
    // When not ok:
    InterpolationError error = InterpolationError::none;
    std::string message;     // what is wrong, naming the variable; no position
    std::string variable;    // the variable concerned, when there is one
    std::size_t offset = 0;  // 0-based byte offset in the input: the '$' of the reference, or
                             // the offending character
};

// What interpolation may produce, so that no profile or .env file can make it exhaust memory
// (a variable doubling the one before it, "${A}" repeated, a .env key repeating itself):
// one string expands to at most kMaxInterpolatedBytes, and, while an InterpolationBudget is
// alive on the thread (one profile load, one .env file), all strings interpolated together to
// at most its bytes. Past either, try_interpolate fails (InterpolationError::too_large).
inline constexpr std::size_t kMaxInterpolatedBytes = 32u << 20;

class InterpolationBudget {
public:
    // Becomes the thread's budget unless one is already active (then the outer one counts).
    explicit InterpolationBudget(std::size_t bytes = kMaxInterpolatedBytes);
    ~InterpolationBudget();
    InterpolationBudget(const InterpolationBudget&) = delete;
    InterpolationBudget& operator=(const InterpolationBudget&) = delete;

    // Bytes the active budget still allows (kMaxInterpolatedBytes without one).
    static std::size_t remaining();
    // Counts text produced outside try_interpolate (a typed template parameter substituted);
    // false when that goes past the budget.
    static bool charge(std::size_t bytes);

private:
    bool active_ = false;
};

// The core: never throws (except what `lookup` throws).
InterpolationResult try_interpolate(std::string_view input, const EnvLookup& lookup);

// Throws Error(ErrorKind::profile) with the result's message, without a location: the caller
// knows the YAML node's file:line:col and adds the offset (or uses try_interpolate).
std::string interpolate(std::string_view input, const EnvLookup& lookup);

// Whether interpolation could change the string or fail on it: "$$", "$NAME" or "${".
bool has_interpolation(std::string_view input);

// Every '$' doubled, so Compose reads a resolved value back unchanged.
std::string escape_dollars(std::string_view input);

// When the whole string is exactly one braced reference without modifier ("${name}",
// "${postgres.port}"), the name; lets a caller substitute a typed value (a list stays a list).
std::optional<std::string> whole_reference(std::string_view input);

}  // namespace devenv

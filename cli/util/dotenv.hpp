#pragma once
// .env files with Docker Compose's semantics (checked against compose 2.26):
//   KEY=VALUE, `export KEY=VALUE`, `KEY: VALUE`; blank lines; `#` comment lines.
//   Unquoted values are trimmed; a '#' after a space starts a comment ("a#b" stays, and so does
//   "a<TAB>#b", as in Compose); $VAR / ${VAR...} are interpolated.
//   'single quotes' are literal (only \' is an escape) and may span lines.
//   "double quotes" may span lines, know \n \t \r \\ \" and \$ (a literal $; other
//   backslashes stay as written), and are interpolated.
//   `KEY=` is empty. `KEY` alone takes the value `lookup` gives it (Compose inherits it from the
//   environment), and is left out when that is unset.
// Interpolation asks `lookup` first and then the file's earlier keys, as Compose does (the
// environment wins over the file everywhere).
// Stricter than Compose: text after a closing quote other than a comment ("A="x"y") and names
// not starting with a letter or '_' are errors rather than silently dropped.
#include <string>
#include <string_view>
#include <vector>

#include "util/interpolate.hpp"

namespace devenv {

struct DotenvEntry {
    std::string key;
    std::string value;
    int line = 0;  // 1-based line of the key
};

// The largest .env file read (as for YAML files); its interpolated values together are bounded
// as util/interpolate.hpp says.
inline constexpr std::size_t kDotenvMaxFileBytes = 16u << 20;

// In file order; a key given twice appears twice (the later one wins, for whoever builds a map).
// Throws Error(ErrorKind::profile) with the file, line, column and line text of the problem.
// `file` is only used in those errors. `lookup` may be empty.
std::vector<DotenvEntry> parse_dotenv(std::string_view text, const std::string& file, const EnvLookup& lookup);

}  // namespace devenv

#pragma once
// Client libraries report multi-line, capitalised messages ("Connection refused\n\tIs the server
// running..."); a probe's detail is one short lower-case phrase that fits a status column.
#include <string>
#include <string_view>

namespace devenv {

// First non-empty line, trimmed, with a leading capital lowered when the word is not an acronym.
std::string short_detail(std::string_view message);

}  // namespace devenv

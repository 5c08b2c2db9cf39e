#pragma once
// Small string helpers shared by the parsers. ASCII only on purpose: the inputs are names,
// keys and units, where locale-dependent classification would only add surprises.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace devenv {

bool is_space(char c);  // ' ', \t, \n, \r, \f, \v
bool is_digit(char c);
bool is_alpha(char c);
bool is_alnum(char c);
char to_lower(char c);

std::string_view trim(std::string_view s);
std::string_view trim_left(std::string_view s);
std::string_view trim_right(std::string_view s);

// Every piece, empty ones included: split("a,,b", ',') is {"a", "", "b"}; split("", ',') is {""}.
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// The lines of a text, as std::getline reads them, each without a trailing '\r':
// split_lines("a\r\n\nb\n") is {"a", "", "b"}; split_lines("") is {}.
std::vector<std::string> split_lines(std::string_view text);
// The last n lines of a text that are not blank, joined with " | ": a command's output as one
// line of a report.
std::string last_lines(std::string_view text, std::size_t n);

std::string lowercase(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

// The offset of the first byte that does not belong to well-formed UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF included), or nullopt when all of `s` is UTF-8.
std::optional<std::size_t> invalid_utf8_at(std::string_view s);

}  // namespace devenv

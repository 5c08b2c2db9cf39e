#pragma once
// Durations as users write them in profiles and on the command line: "250ms", "5s", "1m30s",
// "2m", "1h", "1.5s"; a number alone is seconds ("30").
#include <chrono>
#include <string>
#include <string_view>

namespace devenv {

// Units ms, s, m, h, in any order and repeatable as in Go ("1h30m", "1m30s500ms"); surrounding
// whitespace is ignored; fractions below a millisecond are dropped; at most 8760h (a year).
// Throws Error(ErrorKind::usage) whose message quotes the text and says what is wrong, without a
// position (the caller knows where the text came from).
std::chrono::milliseconds parse_duration(std::string_view text);

// For people, one style: "0 ms", "340 ms", "1.2 s", "59.9 s", "2 m 05 s", "1 h 02 m".
// Milliseconds and whole seconds are truncated, tenths of a second rounded.
std::string format_duration(std::chrono::microseconds d);

// For a non-negative d, the shortest text parse_duration reads back exactly: "250ms", "1m30s", "1h", "0s".
std::string format_duration_spec(std::chrono::milliseconds d);

}  // namespace devenv

#pragma once
// Durations as users write them: "250ms", "5s", "1m30s", "2m", "1h"; a plain number is seconds.
#include <chrono>
#include <string>
#include <string_view>

namespace devenv {

// Throws Error(usage) naming the text when it is not a duration.
std::chrono::milliseconds parse_duration(std::string_view text);

// For people: "340 ms", "1.2 s", "2 m 05 s".
std::string format_duration(std::chrono::microseconds d);

}  // namespace devenv

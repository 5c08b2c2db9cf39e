#pragma once
// Shared by the libFuzzer targets (fuzz_*.cpp): the input as text, and the rule every target
// keeps: devenv::Error is the expected answer to bad input; anything else escaping is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace devenv::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Splits at the first occurrence of `sep`: {before, after}; no separator -> {text, ""}.
inline std::pair<std::string_view, std::string_view> split_once(std::string_view text, std::string_view sep) {
    auto at = text.find(sep);
    if (at == std::string_view::npos) return {text, {}};
    return {text.substr(0, at), text.substr(at + sep.size())};
}

}  // namespace devenv::fuzz

#include "util/duration.hpp"

#include <cctype>

#include <fmt/format.h>

#include "util/error.hpp"

namespace devenv {

std::chrono::milliseconds parse_duration(std::string_view text) {
    auto bad = [&] {
        return Error(ErrorKind::usage, fmt::format("'{}' is not a duration (use e.g. 500ms, 30s, 2m, 1m30s)", text));
    };
    if (text.empty()) throw bad();
    bool all_digits = true;
    for (char c : text) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
    if (all_digits) {
        if (text.size() > 9) throw bad();
        return std::chrono::seconds(std::stoll(std::string(text)));
    }
    double total_ms = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
        if (start == i || i - start > 9) throw bad();
        double n = std::stod(std::string(text.substr(start, i - start)));
        std::size_t ustart = i;
        while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
        std::string_view unit = text.substr(ustart, i - ustart);
        if (unit == "ms") total_ms += n;
        else if (unit == "s") total_ms += n * 1000;
        else if (unit == "m") total_ms += n * 60'000;
        else if (unit == "h") total_ms += n * 3'600'000;
        else throw bad();
    }
    return std::chrono::milliseconds(static_cast<long long>(total_ms));
}

std::string format_duration(std::chrono::microseconds d) {
    auto us = d.count();
    if (us < 1000) return fmt::format("{} µs", us);
    if (us < 1'000'000) return fmt::format("{} ms", us / 1000);
    if (us < 60'000'000) return fmt::format("{:.1f} s", static_cast<double>(us) / 1e6);
    auto s = us / 1'000'000;
    return fmt::format("{} m {:02} s", s / 60, s % 60);
}

}  // namespace devenv

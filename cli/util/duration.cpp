#include "util/duration.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace devenv {
namespace {

constexpr std::int64_t us_per_ms = 1'000;
constexpr std::int64_t us_per_s = 1'000'000;
constexpr std::int64_t us_per_m = 60 * us_per_s;
constexpr std::int64_t us_per_h = 60 * us_per_m;
constexpr std::int64_t max_us = 8760 * us_per_h;

Error not_a_duration(std::string_view text, std::string_view why) {
    return Error(ErrorKind::usage,
                 fmt::format("'{}' is not a duration: {} (use ms, s, m or h, e.g. 250ms, 1m30s)", text, why));
}

}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text) {
    std::string_view s = trim(text);
    if (s.empty()) throw Error(ErrorKind::usage, "empty duration (use ms, s, m or h, e.g. 250ms, 1m30s)");
    std::int64_t total = 0;  // microseconds; integer arithmetic keeps "0.1s" exact
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t start = i;
        std::int64_t whole = 0;
        while (i < s.size() && is_digit(s[i])) {
            whole = whole * 10 + (s[i] - '0');
            if (whole > max_us) throw not_a_duration(text, "too long (at most 8760h)");
            ++i;
        }
        std::int64_t frac = 0;  // in millionths
        bool has_frac = i < s.size() && s[i] == '.';
        if (has_frac) {
            ++i;
            std::int64_t scale = 100'000;
            std::size_t digits = i;
            for (; i < s.size() && is_digit(s[i]); ++i, scale /= 10) frac += (s[i] - '0') * scale;
            if (i == digits) throw not_a_duration(text, "a digit must follow '.'");
        }
        if (i == start) {
            throw not_a_duration(text, s[i] == '-' ? std::string("it cannot be negative")
                                                   : fmt::format("expected a number at '{}'", s.substr(i)));
        }
        std::string_view number = s.substr(start, i - start);
        std::size_t unit_at = i;
        while (i < s.size() && is_alpha(s[i])) ++i;
        std::string_view unit = s.substr(unit_at, i - unit_at);
        std::int64_t per;
        if (unit.empty()) {
            // A number alone means seconds; after another part, a missing unit is a mistake.
            if (start != 0 || i != s.size())
                throw not_a_duration(text, i < s.size() ? fmt::format("unexpected '{}'", s[i])
                                                        : fmt::format("{} has no unit", number));
            per = us_per_s;
        } else if (unit == "ms") {
            per = us_per_ms;
        } else if (unit == "s") {
            per = us_per_s;
        } else if (unit == "m") {
            per = us_per_m;
        } else if (unit == "h") {
            per = us_per_h;
        } else {
            throw not_a_duration(text, fmt::format("unknown unit '{}'", unit));
        }
        if (whole > max_us / per) throw not_a_duration(text, "too long (at most 8760h)");
        total += whole * per + frac * per / us_per_s;
        if (total > max_us) throw not_a_duration(text, "too long (at most 8760h)");
    }
    return std::chrono::milliseconds(total / us_per_ms);
}

std::string format_duration(std::chrono::microseconds d) {
    std::int64_t us = d.count();
    if (us < 0) return "-" + format_duration(std::chrono::microseconds(-us));
    if (us < us_per_s) return fmt::format("{} ms", us / us_per_ms);
    std::int64_t tenths = (us + us_per_s / 20) / (us_per_s / 10);
    if (tenths < 600) return fmt::format("{}.{} s", tenths / 10, tenths % 10);
    if (us < us_per_h) {
        std::int64_t s = std::max<std::int64_t>(60, us / us_per_s);  // 59.97 s rounded up above
        return fmt::format("{} m {:02} s", s / 60, s % 60);
    }
    std::int64_t m = us / us_per_m;
    return fmt::format("{} h {:02} m", m / 60, m % 60);
}

std::string format_duration_spec(std::chrono::milliseconds d) {
    std::int64_t ms = d.count();
    if (ms == 0) return "0s";
    std::string out = ms < 0 ? "-" : "";
    if (ms < 0) ms = -ms;
    std::int64_t h = ms / 3'600'000, m = ms / 60'000 % 60, s = ms / 1000 % 60, rest = ms % 1000;
    if (h) out += fmt::format("{}h", h);
    if (m) out += fmt::format("{}m", m);
    if (s) out += fmt::format("{}s", s);
    if (rest) out += fmt::format("{}ms", rest);
    return out;
}

}  // namespace devenv

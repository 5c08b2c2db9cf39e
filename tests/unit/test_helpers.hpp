#pragma once
// Small helpers several unit-test folders share.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "util/env.hpp"
#include "util/error.hpp"

namespace devenv::test {

// The message of the Error that `fn` throws; fails the test when it throws none.
template <class Fn>
std::string error_of(Fn fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.message();
    }
    FAIL("no error thrown");
    return {};
}

// An Error as users read it: "line:col: message | hint | hint" (no position when it has none).
inline std::string shown(const Error& e) {
    std::string s = e.message();
    if (e.where() && e.where()->line) s = fmt::format("{}:{}: {}", e.where()->line, e.where()->column, s);
    for (const auto& h : e.hints()) s += " | " + h;
    return s;
}

// What `fn` throws, shown as above; "no error" when it throws none (for tests that check both).
template <class Fn>
std::string shown_error_of(Fn fn) {
    try {
        fn();
    } catch (const Error& e) {
        return shown(e);
    }
    return "no error";
}

// An environment of exactly these variables: keys absent are unset, a key mapped to "" is set
// but empty.
inline EnvLookup env_of(std::map<std::string, std::string, std::less<>> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        if (auto it = vars.find(name); it != vars.end()) return it->second;
        return std::nullopt;
    };
}

// A variable of the test's environment when it is set and not empty (where a test is told a
// service's address, say DEVENV_TEST_PG).
inline std::optional<std::string> env(const char* name) {
    auto v = env_value(name);
    if (!v || v->empty()) return std::nullopt;
    return v;
}

}  // namespace devenv::test

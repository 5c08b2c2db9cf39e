// try_interpolate (every profile string, .env values): the first line is the input, the lines
// after it NAME=VALUE variables (NAME alone: set but empty). Never throws, never crashes, and
// an offset it reports lies inside the input.
// fuzz-links: devenv_util
#include <cstdlib>
#include <map>

#include "common.hpp"
#include "util/interpolate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using devenv::fuzz::split_once;
    auto [input, rest] = split_once(devenv::fuzz::as_text(data, size), "\n");
    std::map<std::string, std::string, std::less<>> vars;
    while (!rest.empty()) {
        auto [line, next] = split_once(rest, "\n");
        auto [name, value] = split_once(line, "=");
        vars[std::string(name)] = std::string(value);
        rest = next;
    }
    devenv::EnvLookup lookup = [&](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
    devenv::InterpolationResult r = devenv::try_interpolate(input, lookup);
    if (!r.ok && r.offset > input.size()) std::abort();
    (void)devenv::has_interpolation(input);
    (void)devenv::whole_reference(input);
    // A resolved value escaped reads back as itself.
    if (r.ok) {
        std::string escaped = devenv::escape_dollars(r.value);
        devenv::InterpolationResult back = devenv::try_interpolate(escaped, lookup);
        if (!back.ok || back.value != r.value) std::abort();
    }
    return 0;
}

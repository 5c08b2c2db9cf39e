#pragma once
// Templates and built-in profiles, embedded into the binary at build time.
#include <optional>
#include <span>
#include <string_view>

namespace devenv {

struct Asset {
    std::string_view path;     // relative to the source tree, e.g. "templates/postgres.yaml"
    std::string_view content;
};

std::span<const Asset> embedded_assets();
std::optional<std::string_view> find_asset(std::string_view path);

}  // namespace devenv

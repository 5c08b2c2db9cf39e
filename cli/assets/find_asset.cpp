#include "assets/assets.hpp"

namespace devenv {

std::optional<std::string_view> find_asset(std::string_view path) {
    for (const Asset& a : embedded_assets()) {
        if (a.path == path) return a.content;
    }
    return std::nullopt;
}

}  // namespace devenv

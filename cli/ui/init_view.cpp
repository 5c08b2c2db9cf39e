#include "ui/init_view.hpp"

#include <fmt/format.h>

namespace devenv {

std::string init_next_steps(const InitResult& r) {
    return fmt::format("next: edit {}, then `devenv doctor` and `devenv up`", r.shown);
}

}  // namespace devenv

#pragma once
// Showing `devenv init`: what to do next with the file it wrote.
#include <string>

#include "lifecycle/init.hpp"

namespace devenv {

std::string init_next_steps(const InitResult& r);

}  // namespace devenv

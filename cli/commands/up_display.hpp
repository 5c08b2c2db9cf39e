#pragma once
// `up` with its live display: what `up` and `reset --hard` share.
#include <string>

#include "commands/context.hpp"

namespace devenv {

UpResult run_up_with_display(Context& ctx, Environment& env, bool build, const std::string& command);

}  // namespace devenv

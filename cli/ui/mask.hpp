#pragma once
// Secrets in what is shown: replaced with ******** unless --show-secrets.
#include <string>

#include "profile/model.hpp"
#include "ui/ui.hpp"

namespace devenv {

std::string masked(const Ui& ui, std::string text, const Profile& p);

}  // namespace devenv

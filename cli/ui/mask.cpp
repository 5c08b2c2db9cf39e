#include "ui/mask.hpp"

namespace devenv {

std::string masked(const Ui& ui, std::string text, const Profile& p) {
    return ui.options().show_secrets ? text : mask_secrets(std::move(text), p);
}

}  // namespace devenv

#include "profile/model.hpp"

namespace devenv {

const Service* Profile::find_service(std::string_view n) const {
    for (const Service& s : services)
        if (s.name == n) return &s;
    return nullptr;
}

std::vector<std::string> Profile::service_names() const {
    std::vector<std::string> out;
    for (const Service& s : services) out.push_back(s.name);
    return out;
}

}  // namespace devenv

namespace devenv {

std::string mask_secrets(std::string text, const Profile& p) {
    for (const auto& s : p.services)
        for (const auto& secret : s.secrets) {
            if (secret.size() < 3) continue;
            for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 8))
                text.replace(pos, secret.size(), "********");
        }
    return text;
}

}  // namespace devenv

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

#include "engine/image_ref.hpp"

namespace devenv {

ImageRef parse_image_ref(std::string_view text) {
    ImageRef r;
    r.text = std::string(text);
    std::string rest(text);
    if (auto at = rest.find('@'); at != std::string::npos) {
        r.digest = rest.substr(at + 1);
        rest.erase(at);
    }
    // A ':' after the last '/' starts the tag; one before it belongs to a registry's port.
    auto slash = rest.rfind('/');
    auto colon = rest.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        r.tag = rest.substr(colon + 1);
        rest.erase(colon);
    }
    if (r.tag.empty() && r.digest.empty()) r.tag = "latest";
    r.name = rest;
    auto first = rest.find('/');
    std::string head = first == std::string::npos ? std::string() : rest.substr(0, first);
    if (!head.empty() && (head.find('.') != std::string::npos || head.find(':') != std::string::npos || head == "localhost")) {
        r.registry = head == "index.docker.io" ? "docker.io" : head;
        r.repository = rest.substr(first + 1);
    } else {
        r.registry = "docker.io";
        r.repository = first == std::string::npos ? "library/" + rest : rest;
    }
    if (r.registry == "docker.io" && r.repository.find('/') == std::string::npos) r.repository = "library/" + r.repository;
    return r;
}

std::string registry_api_host(const std::string& registry) {
    return registry == "docker.io" ? std::string("registry-1.docker.io") : registry;
}

bool loopback_registry(const std::string& registry) {
    std::string host = registry;
    if (host.starts_with("[")) {
        host = host.substr(1, host.find(']') - 1);
    } else if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(':') == colon) {
        host.erase(colon);
    }
    return host == "localhost" || host == "::1" || host.starts_with("127.");
}

}  // namespace devenv

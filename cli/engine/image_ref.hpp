#pragma once
// Image references as Docker reads them ("postgres:17", "ghcr.io/acme/api:1.4",
// "127.0.0.1:5000/devenv/postgres@sha256:..."): which registry serves them, and how the Engine
// API's pull and the registry's own API name them.
#include <string>
#include <string_view>

namespace devenv {

struct ImageRef {
    std::string text;        // as written in the profile
    std::string name;        // without tag or digest: "postgres", "ghcr.io/acme/api"
    std::string registry;    // "docker.io", "ghcr.io", "127.0.0.1:5000", "localhost:5000"
    std::string repository;  // the path in that registry: "library/postgres", "acme/api"
    std::string tag;         // "17"; "latest" when neither a tag nor a digest is written
    std::string digest;      // "sha256:..." or ""

    // The `tag` parameter of POST /images/create: the digest when there is one, else the tag.
    std::string pull_tag() const { return digest.empty() ? tag : digest; }
    bool docker_hub() const { return registry == "docker.io"; }
};

// Docker's rules: the first path component names a registry when it holds a '.' or a ':' or
// is "localhost"; otherwise the image is on Docker Hub, under "library/" when it has no '/'.
ImageRef parse_image_ref(std::string_view text);

// Where a registry's API answers: "registry-1.docker.io" for Docker Hub, else the registry.
std::string registry_api_host(const std::string& registry);

// Whether Docker talks plain HTTP to this registry without being told: loopback addresses
// (localhost, 127.0.0.0/8, ::1), which dockerd treats as insecure registries by default.
bool loopback_registry(const std::string& registry);

}  // namespace devenv

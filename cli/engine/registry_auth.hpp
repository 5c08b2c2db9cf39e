#pragma once
// Registry credentials the way the docker CLI finds them, for the Engine API's X-Registry-Auth
// header (the engine itself reads no client config): $DOCKER_CONFIG/config.json (default
// ~/.docker/config.json), in the CLI's order: credHelpers[registry], then credsStore, then the
// base64 `auth` (or `identitytoken`) of the `auths` entry. A helper is run as
// `docker-credential-NAME get` with the server on its stdin (an argv, never a shell).
// Credentials are never printed, logged or put in an argv.
#include <optional>
#include <string>

namespace devenv {

struct RegistryCredentials {
    std::string server;          // as the config names it: "https://index.docker.io/v1/", "ghcr.io"
    std::string username;
    std::string password;
    std::string identity_token;  // OAuth refresh token instead of a password
    std::string source;          // "auths in ~/.docker/config.json", "docker-credential-pass": for messages
};

// The key Docker's config uses for a registry: "https://index.docker.io/v1/" for Docker Hub,
// else the registry itself ("ghcr.io", "127.0.0.1:5000").
std::string registry_config_key(const std::string& registry);

// What is configured for `registry` ("docker.io", "ghcr.io", "127.0.0.1:5000"), or nullopt.
// `config_dir` "" = DOCKER_CONFIG, else $HOME/.docker. A config that is not JSON, or a helper
// that fails (other than "credentials not found"), throws Error(engine) naming the file or helper.
std::optional<RegistryCredentials> registry_credentials(const std::string& registry, const std::string& config_dir = {});

// The X-Registry-Auth value: base64url of {"username","password","serveraddress"} (or
// {"identitytoken","serveraddress"}).
std::string registry_auth_header(const RegistryCredentials& c);

}  // namespace devenv

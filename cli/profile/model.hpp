#pragma once
// The resolved profile: what every later stage (render, run, seed, env) works from.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "profile/endpoint.hpp"
#include "profile/probe_spec.hpp"
#include "yaml/value.hpp"

namespace devenv {

struct Export {
    std::string name;
    std::string value;
    bool secret = false;  // holds a password or token: masked unless --show-secrets
    // Another service's export of the same name wins over this one without a conflict (the
    // template's `yield_exports`: credentials an emulator does not check).
    bool yields = false;
};

// One declared seed block: seed.<service>.<kind>. The loader checks that the service exists;
// seed/check.cpp checks the kind and validates `spec` against its schema (then `checked`).
struct SeedDecl {
    std::string service;
    std::string kind;      // dynamodb sqs ssm s3 cognito eventbridge secretsmanager postgres redis ...
    Value spec;            // the interpolated declaration
    std::string base_dir;  // folder that relative paths in `spec` are relative to ("" = built-in)
    Mark key_mark;         // where the kind's key is written
    bool checked = false;  // validated against its kind (seed/check.cpp)
};

struct Service {
    std::string name;
    std::string template_name;      // empty for a raw Compose service
    Value params;                   // resolved template parameters (mapping); empty when raw
    Value compose;                  // the Compose service definition, fully interpolated
    Endpoint endpoint;              // where it answers on the host: probe, seeders, resets, guard
    ProbeSpec probe;                // kind "none" when nothing is probed beyond "running"
    std::vector<Export> exports;
    std::vector<std::string> seed_kinds;  // what seed.<this service> may declare
    std::vector<std::string> serves;      // AWS services an emulator serves (empty: all)
    std::vector<std::string> depends_on;  // services this one waits for
    std::vector<int> host_ports;          // published host ports (after --port-offset)
    std::vector<std::string> secrets;     // secret values (for masking)
    // A one-shot container (profile/jobs.hpp): no probe; ready once it exited with code 0.
    bool job = false;
};

struct Profile {
    std::string name;
    std::string description;
    std::string source;             // "built-in" or the file path
    std::vector<std::string> overlays;  // applied, in order
    std::vector<std::string> available_overlays;
    std::string project;            // Compose project name
    std::string project_dir;        // absolute
    std::string host;               // where the engine publishes ports (LoadOptions::host)
    std::vector<Service> services;  // in declaration order
    Value top_level;                // Compose top-level volumes, secrets, configs, networks
    std::vector<SeedDecl> seeds;
    std::vector<Export> exports;    // project-level remapped names (may reference services)
    Value tree;                     // the merged, interpolated profile document (for `config`)

    const Service* find_service(std::string_view name) const;
    std::vector<std::string> service_names() const;
};

}  // namespace devenv

namespace devenv {

// Replaces every secret value of the profile's services in `text` with ********. Values shorter
// than three characters are left alone (masking "a" would garble everything).
std::string mask_secrets(std::string text, const Profile& p);

}  // namespace devenv

#pragma once
// Turning a template plus a profile's `with:` into a service: typed parameters, the variant,
// defaults that refer to other parameters, and the template's documents interpolated.
#include <string>

#include "profile/load.hpp"
#include "yaml/value.hpp"

namespace devenv {

struct Instance {
    Value params;    // name -> typed value
    Value service;   // Compose service
    Value volumes;   // top-level volumes it needs
    Value configs;   // top-level configs it needs
    Value probe;     // probe declaration (may be null)
    Value exports;   // name -> string
    std::vector<std::string> seeds;
    std::vector<std::string> serves;   // AWS services served (template `serves:`); empty: all
    std::vector<std::string> secrets;  // values of secret params
    // Exports whose value the service does not check (the AWS emulators accept any credentials):
    // another service's export of the same name wins over them (template `yield_exports:`).
    std::vector<std::string> yield_exports;
};

struct InstantiateArgs {
    std::string service_name;
    std::string project;
    const Value* with = nullptr;       // the profile's `with:` (may be null)
    std::string with_path;             // for messages: "services.postgres.with"
    int port_offset = 0;
    std::string host = "localhost";    // ${host}: the host apps reach published ports on
    EnvLookup env;
};

// `tmpl` is the parsed template document (validated here against the template schema).
Instance instantiate_template(const Value& tmpl, const InstantiateArgs& args);

}  // namespace devenv

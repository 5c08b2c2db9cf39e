#pragma once
// The schemas of the profile language and the template format. Seed kinds hold their own
// (seed/kind.hpp).
#include <string>
#include <vector>

#include "profile/schema.hpp"

namespace devenv {

SchemaPtr profile_schema();
SchemaPtr template_schema();
SchemaPtr probe_schema();
// Keys of a Compose service (from the Compose specification).
const std::vector<std::string>& compose_service_keys();
// Keys a devenv service adds next to Compose's.
const std::vector<std::string>& devenv_service_keys();

}  // namespace devenv

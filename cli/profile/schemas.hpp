#pragma once
// The schemas of the profile language, the template format and every seed kind. The probe
// block's schema comes from the probe kinds (profile/language.hpp builds it).
#include <string>
#include <vector>

#include "profile/schema.hpp"

namespace devenv {

// A profile document whose services' `probe:` blocks are `probe`.
SchemaPtr profile_schema(SchemaPtr probe);
SchemaPtr template_schema();
// Schema of one seed kind's declaration; null when the kind is unknown.
SchemaPtr seed_kind_schema(const std::string& kind);
const std::vector<std::string>& seed_kinds();
// Keys of a Compose service (from the Compose specification).
const std::vector<std::string>& compose_service_keys();
// Keys a devenv service adds next to Compose's.
const std::vector<std::string>& devenv_service_keys();

}  // namespace devenv

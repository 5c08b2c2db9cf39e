#include "profile/language.hpp"

#include <string>

#include "profile/endpoint.hpp"
#include "profile/schemas.hpp"

namespace devenv {

using namespace schema;

const ProbeKindDecl* ProfileLanguage::find_probe_kind(std::string_view name) const {
    for (const ProbeKindDecl* k : probe_kinds)
        if (k->name == name) return k;
    return nullptr;
}

namespace {

SchemaPtr probe_block_schema(const std::vector<const ProbeKindDecl*>& kinds) {
    std::vector<std::string> names;
    for (const ProbeKindDecl* k : kinds) names.emplace_back(k->name);
    std::vector<Field> fields = {opt("kind", choice(names))};
    auto add = [&](Field f) {
        for (const auto& have : fields)
            if (have.name == f.name) return;
        fields.push_back(std::move(f));
    };
    for (auto& f : endpoint_fields()) add(std::move(f));
    for (const ProbeKindDecl* k : kinds)
        if (k->fields)
            for (auto& f : k->fields()) add(std::move(f));
    add(opt("timeout", duration()));
    return object(std::move(fields));
}

}  // namespace

ProfileLanguage make_profile_language(std::vector<const ProbeKindDecl*> probe_kinds) {
    ProfileLanguage l;
    l.probe = probe_block_schema(probe_kinds);
    l.profile = profile_schema(l.probe);
    l.probe_kinds = std::move(probe_kinds);
    return l;
}

}  // namespace devenv

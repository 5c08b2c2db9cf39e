#include "profile/seed_decls.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/error.hpp"
#include "util/suggest.hpp"

namespace devenv {

std::vector<SeedDecl> collect_seed(const Value& seed, const Profile& profile) {
    std::vector<SeedDecl> out;
    for (const auto& svc_entry : seed.entries()) {
        std::string spath = join_path("seed", svc_entry.key);
        const Service* svc = profile.find_service(svc_entry.key);
        if (!svc) {
            Error e = error_at(svc_entry.key_mark, spath,
                               fmt::format("seed names unknown service '{}'", svc_entry.key));
            if (auto near = suggest(svc_entry.key, profile.service_names())) e.hint(fmt::format("did you mean '{}'?", *near));
            else e.hint(fmt::format("services: {}", fmt::join(profile.service_names(), ", ")));
            throw e;
        }
        if (!svc_entry.value.is_mapping())
            throw error_at(svc_entry.value.mark(), spath,
                           fmt::format("expected a mapping of seed kinds, got {}", svc_entry.value.type_name()));
        for (const auto& kind_entry : svc_entry.value.entries()) {
            // `KIND: ~` (null) drops a block a parent profile declared.
            if (kind_entry.value.is_null()) continue;
            if (svc->job)
                throw error_at(kind_entry.key_mark, join_path(spath, kind_entry.key),
                               fmt::format("'{}' is a job: its container has exited by the time devenv seeds", svc->name))
                    .hint("seed the services the job prepares, or do this in the job's own command");
            std::string base;
            if (kind_entry.key_mark.file) base = kind_entry.key_mark.file->base_dir;
            out.push_back(SeedDecl{svc->name, kind_entry.key, kind_entry.value, base, kind_entry.key_mark, false});
        }
    }
    return out;
}

}  // namespace devenv

#include "profile/jobs.hpp"

#include <map>

#include <fmt/format.h>

#include "util/error.hpp"

namespace devenv {

namespace {

struct Waiter {
    std::string dependant;  // the service that waits
    Mark at;                // its `condition: service_completed_successfully`
};

// Services others wait for with service_completed_successfully, with the first such waiter.
std::map<std::string, Waiter> awaited_completions(const Profile& profile) {
    std::map<std::string, Waiter> out;
    for (const auto& s : profile.services) {
        const Value* deps = s.compose.find("depends_on");
        if (!deps || !deps->is_mapping()) continue;
        for (const auto& e : deps->entries()) {
            const Value* cond = e.value.is_mapping() ? e.value.find("condition") : nullptr;
            if (cond && cond->text() == "service_completed_successfully" && !out.count(e.key))
                out[e.key] = Waiter{s.name, cond->mark()};
        }
    }
    return out;
}

}  // namespace

void resolve_jobs(Profile& profile, const Value& doc) {
    const Value* services = doc.find("services");
    auto awaited = awaited_completions(profile);
    for (auto& svc : profile.services) {
        std::string path = join_path("services", svc.name);
        const Value* decl = services ? services->find(svc.name) : nullptr;
        const Value::Entry* job_entry = decl && decl->is_mapping() ? decl->find_entry("job") : nullptr;
        auto waiter = awaited.find(svc.name);
        bool declared = job_entry && job_entry->value.text() == "true";
        if (job_entry && !declared && waiter != awaited.end())
            throw error_at(waiter->second.at, join_path(join_path(join_path("services", waiter->second.dependant), "depends_on"), svc.name),
                           fmt::format("'{}' waits for '{}' to complete (service_completed_successfully), but '{}' says `job: false`",
                                       waiter->second.dependant, svc.name, svc.name))
                .hint(fmt::format("remove `job: false` from '{}', or wait for it with service_started or service_healthy", svc.name));
        if (!declared && waiter == awaited.end()) continue;

        if (const Value::Entry* probe = decl && decl->is_mapping() ? decl->find_entry("probe") : nullptr)
            throw error_at(probe->key_mark, join_path(path, "probe"),
                           fmt::format("'{}' is a job{}: it is done when its container exits with code 0, so it takes no probe",
                                       svc.name,
                                       declared ? std::string()
                                                : fmt::format(" ('{}' waits for it with service_completed_successfully)",
                                                              waiter->second.dependant)))
                .hint("remove the probe; or, for a service that keeps running, drop `job: true` and wait for it with "
                      "service_healthy");
        if (const Value* restart = svc.compose.find("restart"); restart && restart->text() != "no")
            throw error_at(restart->mark(), join_path(path, "restart"),
                           fmt::format("'{}' is a job, which must not restart (restart: {}): it would never complete",
                                       svc.name, restart->text()))
                .hint("remove `restart:` or set it to \"no\"");
        svc.job = true;
        svc.probe = ProbeSpec{};
        svc.probe.kind = "none";
    }
}

}  // namespace devenv

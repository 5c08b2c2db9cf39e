#pragma once
// One-shot services (jobs): a migration, a bucket-policy script, a create-topics container. A
// service is a job when it says `job: true`, or when another service waits for it with
// `depends_on: {NAME: {condition: service_completed_successfully}}` (docker/compose#10596). A
// job has no probe: the wait is over when its container exits with code 0.
#include "profile/model.hpp"
#include "yaml/value.hpp"

namespace devenv {

// Marks the profile's jobs (Service::job) and takes their probe away. `doc` is the merged,
// interpolated profile document, for the positions of errors: a job that declares a probe, a
// restart policy other than "no", `job: false` on a service that another one waits to complete,
// each at file:line:col.
void resolve_jobs(Profile& profile, const Value& doc);

}  // namespace devenv

#pragma once
// Pulling the images a profile needs before anything starts, so that Compose (run with
// `--pull never`) never pulls behind captured output: which images (services with `build:`
// are left to Compose), in parallel through the Engine API's streaming pull, each with its
// progress reported as events, and failures turned into one error that names each image, the
// registry's answer and the likely fix (exit 3; nothing has been created then).
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/docker_api.hpp"
#include "engine/pull_progress.hpp"
#include "profile/model.hpp"
#include "util/error.hpp"

namespace devenv {

// As Compose's `--pull`: `missing` pulls what the engine lacks, `always` every image, `never`
// none (a missing image is then an error before anything starts).
enum class PullPolicy { missing, always, never };
std::optional<PullPolicy> parse_pull_policy(std::string_view text);
const char* pull_policy_name(PullPolicy p);

struct ImageNeed {
    std::string image;                  // as the profile writes it
    std::vector<std::string> services;  // the services that run it
};

struct PullPlan {
    std::vector<ImageNeed> to_pull;
    std::vector<ImageNeed> present;      // on the engine and not pulled
    std::vector<std::string> built;      // services with a `build:` section (Compose builds them)
};

// The images of `p` that are not built, each once; `present` says whether the engine holds one.
PullPlan plan_pulls(const Profile& p, PullPolicy policy, const std::function<bool(const std::string&)>& present);

struct PullEvent {
    enum class Kind { started, progress, done, failed };
    Kind kind = Kind::started;
    std::string image;
    std::vector<std::string> services;
    PullSnapshot progress;
    std::chrono::microseconds elapsed{0};  // since this image's pull began
    bool up_to_date = false;               // done: the engine already had the newest
    PullFailure reason = PullFailure::other;  // failed
    std::string detail;                       // failed: the engine's or registry's words
};

struct PullOutcome {
    std::string image;
    std::vector<std::string> services;
    bool ok = false;
    bool cancelled = false;  // stopped because another pull failed, or Ctrl-C
    bool up_to_date = false;
    PullSnapshot progress;   // the last one
    std::chrono::microseconds took{0};
    PullFailure reason = PullFailure::other;
    std::string detail;
};

struct PullResult {
    PullPlan plan;
    std::vector<PullOutcome> pulled;  // in the plan's order
    std::chrono::microseconds took{0};
    // Some image changed (`always` found a newer one): running containers are out of date.
    bool any_updated() const;
};

struct PullOptions {
    PullPolicy policy = PullPolicy::missing;
    const std::atomic<bool>* interrupted = nullptr;
    std::function<void(const std::vector<ImageNeed>&)> on_begin;  // before the first pull (only when there are pulls)
    std::function<void(const PullEvent&)> on_event;               // from the pulling threads, one at a time
    std::function<void()> on_end;                                 // after the last (also when one failed)
    // Engine API client per pulling thread (one DockerApi per thread); default DOCKER_HOST.
    std::string docker_host;
};

// Pulls by `opts.policy`. Throws Error(engine) when an image is missing under `never` or a pull
// failed (the others are then cancelled), Error(interrupted) on Ctrl-C.
PullResult pull_images(const Profile& p, DockerApi& api, const PullOptions& opts);

// The error for failed pulls: what failed, the registry's answer, the fix for each cause.
Error pull_error(const std::vector<PullOutcome>& outcomes);

}  // namespace devenv

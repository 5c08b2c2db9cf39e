#include "lifecycle/pulls.hpp"

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/image_ref.hpp"
#include "engine/registry_auth.hpp"
#include "util/thread_group.hpp"

namespace devenv {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Progress events per image at most this often (the views thin them out further).
constexpr auto kProgressEvery = 100ms;

std::chrono::microseconds since(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t);
}

std::string image_of(const Service& s) {
    const Value* img = s.compose.find("image");
    return img && img->is_scalar() ? img->text() : "";
}

std::string services_text(const std::vector<std::string>& services) {
    return fmt::format("{} {}", services.size() == 1 ? "service" : "services", fmt::join(services, ", "));
}

std::string reason_text(PullFailure f, const std::string& registry) {
    switch (f) {
    case PullFailure::unreachable: return fmt::format("registry {} is unreachable (offline, or the registry is down)", registry);
    case PullFailure::not_found: return fmt::format("registry {} has no such image or tag", registry);
    case PullFailure::unauthorized: return fmt::format("registry {} refused access (login required)", registry);
    case PullFailure::rate_limited: return fmt::format("registry {} is rate-limiting pulls", registry);
    case PullFailure::other: break;
    }
    return "the engine could not pull it";
}

std::string hint_for(PullFailure f, const ImageRef& ref, bool sent_credentials) {
    std::string login = ref.docker_hub() ? "docker login" : fmt::format("docker login {}", ref.registry);
    switch (f) {
    case PullFailure::unreachable:
        return fmt::format("check the network (dockerd needs HTTPS_PROXY in its own environment behind a proxy); "
                           "`devenv doctor` checks that {} answers; offline, use images pulled before (`devenv pull` "
                           "while online) or `docker load` them",
                           ref.registry);
    case PullFailure::not_found:
        return fmt::format("check the name `{}` and the tag `{}` (a typo in a pinned version?); `devenv config` shows "
                           "where the profile sets the image",
                           ref.name, ref.pull_tag());
    case PullFailure::unauthorized:
        return sent_credentials ? fmt::format("the registry refused the credentials of your docker config: `{}` again", login)
                                : fmt::format("`{}` (devenv hands the docker CLI's credentials to the engine); on Docker Hub "
                                              "this also means the repository may not exist: check the name",
                                              login);
    case PullFailure::rate_limited:
        return fmt::format("wait and try again; `{}` raises the limit (authenticated pulls), a registry mirror avoids it",
                           login);
    case PullFailure::other: break;
    }
    return fmt::format("`docker pull {}` shows the engine's own view", ref.text);
}

}  // namespace

std::optional<PullPolicy> parse_pull_policy(std::string_view text) {
    if (text == "missing") return PullPolicy::missing;
    if (text == "always") return PullPolicy::always;
    if (text == "never") return PullPolicy::never;
    return std::nullopt;
}

const char* pull_policy_name(PullPolicy p) {
    switch (p) {
    case PullPolicy::missing: return "missing";
    case PullPolicy::always: return "always";
    case PullPolicy::never: return "never";
    }
    return "missing";
}

bool PullResult::any_updated() const {
    return std::any_of(pulled.begin(), pulled.end(), [](const PullOutcome& o) { return o.ok && !o.up_to_date; });
}

PullPlan plan_pulls(const Profile& p, PullPolicy policy, const std::function<bool(const std::string&)>& present) {
    PullPlan plan;
    std::vector<ImageNeed> needs;
    for (const auto& s : p.services) {
        if (s.compose.find("build")) {
            plan.built.push_back(s.name);
            continue;
        }
        std::string img = image_of(s);
        if (img.empty()) continue;
        auto it = std::find_if(needs.begin(), needs.end(), [&](const ImageNeed& n) { return n.image == img; });
        if (it == needs.end()) needs.push_back({img, {s.name}});
        else it->services.push_back(s.name);
    }
    for (auto& n : needs) {
        bool have = policy == PullPolicy::always ? false : present(n.image);
        (have ? plan.present : plan.to_pull).push_back(std::move(n));
    }
    return plan;
}

Error pull_error(const std::vector<PullOutcome>& outcomes) {
    std::vector<const PullOutcome*> failed;
    std::size_t cancelled = 0;
    for (const auto& o : outcomes) {
        if (o.cancelled) ++cancelled;
        else if (!o.ok) failed.push_back(&o);
    }
    std::string message;
    if (failed.size() == 1) {
        ImageRef ref = parse_image_ref(failed.front()->image);
        message = fmt::format("cannot pull image {} ({}): {}", failed.front()->image, services_text(failed.front()->services),
                              reason_text(failed.front()->reason, ref.registry));
    } else {
        std::vector<std::string> parts;
        for (const auto* o : failed) parts.push_back(fmt::format("{} ({})", o->image, pull_failure_name(o->reason)));
        message = fmt::format("cannot pull {} images: {}", failed.size(), fmt::join(parts, ", "));
    }
    Error e(ErrorKind::engine, message);
    std::vector<std::string> hints;
    for (const auto* o : failed) {
        ImageRef ref = parse_image_ref(o->image);
        if (failed.size() > 1) e.detail(fmt::format("{}: {}", o->image, reason_text(o->reason, ref.registry)));
        e.detail(fmt::format("{}the registry's answer: {}", failed.size() > 1 ? "  " : "", o->detail));
        std::string h = hint_for(o->reason, ref, o->detail.find("(credentials sent)") != std::string::npos);
        if (std::find(hints.begin(), hints.end(), h) == hints.end()) hints.push_back(h);
    }
    for (auto& h : hints) e.hint(std::move(h));
    e.hint(cancelled ? fmt::format("nothing was started ({} other pull{} stopped)", cancelled, cancelled == 1 ? " was" : "s were")
                     : std::string("nothing was started"));
    return e;
}

PullResult pull_images(const Profile& p, DockerApi& api, const PullOptions& opts) {
    auto t0 = Clock::now();
    PullResult result;
    result.plan = plan_pulls(p, opts.policy, [&](const std::string& img) { return api.image_exists(img); });
    const auto& todo = result.plan.to_pull;
    if (todo.empty()) return result;
    if (opts.policy == PullPolicy::never) {
        std::vector<std::string> names;
        for (const auto& n : todo) names.push_back(fmt::format("{} ({})", n.image, services_text(n.services)));
        throw Error(ErrorKind::engine, fmt::format("--pull never, and the engine does not have {}", fmt::join(names, ", ")))
            .hint("`devenv pull` fetches the profile's images; or run `devenv up` without --pull never (default: missing)")
            .hint("nothing was started");
    }

    // Credentials are read before any thread starts: a helper that fails is one clear error.
    std::vector<std::string> auth(todo.size());
    std::vector<bool> sent(todo.size(), false);
    for (std::size_t i = 0; i < todo.size(); ++i) {
        ImageRef ref = parse_image_ref(todo[i].image);
        if (auto c = registry_credentials(ref.registry)) {
            auth[i] = registry_auth_header(*c);
            sent[i] = true;
        }
    }

    if (opts.on_begin) opts.on_begin(todo);
    struct End {
        const PullOptions& o;
        ~End() {
            if (o.on_end) o.on_end();
        }
    } end{opts};

    std::mutex report_mu;
    auto report = [&](const PullEvent& e) {
        std::lock_guard<std::mutex> lock(report_mu);
        if (opts.on_event) opts.on_event(e);
    };
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> running{todo.size()};
    result.pulled.resize(todo.size());
    std::string host = opts.docker_host.empty() ? api.host() : opts.docker_host;
    {
        ThreadGroup threads([&] { stop = true; });
        for (std::size_t i = 0; i < todo.size(); ++i) {
            threads.spawn([&, i] {
                struct Done {
                    std::atomic<std::size_t>& n;
                    ~Done() { --n; }
                } done{running};
                const ImageNeed& need = todo[i];
                PullOutcome& out = result.pulled[i];
                out.image = need.image;
                out.services = need.services;
                auto start = Clock::now();
                ImageRef ref = parse_image_ref(need.image);
                PullEvent ev{PullEvent::Kind::started, need.image, need.services, {}, {}, false, PullFailure::other, {}};
                report(ev);
                PullProgress progress;
                auto last = Clock::now() - kProgressEvery;
                long status = 0;
                try {
                    DockerApi own(host);
                    status = own.pull_image(ref.name, ref.pull_tag(), auth[i], [&](std::string_view line) {
                        progress.feed_line(line);
                        if (Clock::now() - last >= kProgressEvery) {
                            last = Clock::now();
                            ev.kind = PullEvent::Kind::progress;
                            ev.progress = progress.snapshot();
                            ev.elapsed = since(start);
                            report(ev);
                        }
                        return !stop.load() && !progress.error();
                    }, &stop);
                } catch (const Error& e) {
                    if (!progress.error()) {
                        out.detail = e.message();
                        out.reason = PullFailure::unreachable;
                    }
                    status = -1;
                }
                out.took = since(start);
                out.progress = progress.snapshot();
                ev.progress = out.progress;
                ev.elapsed = out.took;
                if (progress.error()) {
                    out.detail = *progress.error();
                    out.reason = classify_pull_failure(out.detail);
                } else if (status == -1) {
                    // the engine went away: out.detail says so
                } else if (status == 0 || (!progress.completed() && stop.load())) {
                    out.cancelled = true;
                } else if (status >= 400) {
                    out.detail = fmt::format("HTTP {}", status);
                    out.reason = classify_pull_failure(out.detail);
                } else if (!progress.completed()) {
                    out.detail = "the engine's pull stream ended before the image was complete";
                    out.reason = PullFailure::unreachable;
                } else {
                    out.ok = true;
                    out.up_to_date = progress.up_to_date();
                }
                if (!out.ok && !out.cancelled) {
                    if (sent[i] && out.reason == PullFailure::unauthorized) out.detail += " (credentials sent)";
                    stop = true;  // the other pulls are of no use now
                }
                if (out.ok) {
                    ev.kind = PullEvent::Kind::done;
                    ev.up_to_date = out.up_to_date;
                    report(ev);
                } else if (!out.cancelled) {
                    ev.kind = PullEvent::Kind::failed;
                    ev.reason = out.reason;
                    ev.detail = out.detail;
                    report(ev);
                }
            });
        }
        // Ctrl-C reaches the pulls through `stop`, also while no data arrives.
        while (running.load() > 0) {
            if (opts.interrupted && opts.interrupted->load()) stop = true;
            std::this_thread::sleep_for(20ms);
        }
        threads.join();
    }
    result.took = since(t0);
    bool failed = std::any_of(result.pulled.begin(), result.pulled.end(), [](const PullOutcome& o) { return !o.ok && !o.cancelled; });
    if (failed) throw pull_error(result.pulled);
    if (opts.interrupted && opts.interrupted->load())
        throw Error(ErrorKind::interrupted, "interrupted while pulling images; nothing was started")
            .hint("`devenv pull` or `devenv up` continues where the engine left off (finished layers are kept)");
    return result;
}

}  // namespace devenv

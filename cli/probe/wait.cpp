#include "probe/wait.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "probe/kinds.hpp"
#include "util/thread_group.hpp"

namespace devenv {

using Clock = std::chrono::steady_clock;

namespace {

struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    std::map<std::string, ContainerView> containers;
    std::map<std::string, int> first_restarts;  // restart counts when the wait began
    std::map<std::string, bool> ready;
    bool any_failed = false;
    bool stop = false;
};

bool container_failed(const ContainerView& c, int first_restarts, std::string& why) {
    if (!c.exists) return false;
    if (c.state == "exited" || c.state == "dead") {
        why = fmt::format("container exited with code {}", c.exit_code);
        return true;
    }
    if (c.state == "restarting" || c.restart_count > first_restarts) {
        why = fmt::format("container is restarting (exit code {}, {} restarts)", c.exit_code, c.restart_count);
        return true;
    }
    return false;
}

}  // namespace

ProbeResult job_attempt(const ContainerView& c, int first_restarts) {
    ProbeResult r;
    if (!c.exists) {
        r.detail = "no container yet";
        return r;
    }
    if (c.state == "exited" && c.exit_code == 0) {
        r.ready = true;
        r.detail = "completed";
        return r;
    }
    if (c.state == "exited" || c.state == "dead") {
        r.fatal = true;
        r.detail = fmt::format("the job exited with code {} (a job must exit 0)", c.exit_code);
        return r;
    }
    if (c.state == "restarting" || c.restart_count > first_restarts) {
        r.fatal = true;
        r.detail = fmt::format("the job restarts (exit code {}, {} restarts): a job must not restart", c.exit_code,
                               c.restart_count);
        return r;
    }
    r.detail = c.state == "running" ? "running" : fmt::format("container {}", c.state);
    return r;
}

WaitResult wait_for_services(const std::vector<WaitService>& services, std::chrono::milliseconds overall,
                             const WaitHooks& hooks) {
    auto start = Clock::now();
    Shared shared;
    shared.containers = hooks.containers();
    for (const auto& [name, c] : shared.containers) shared.first_restarts[name] = c.restart_count;

    WaitResult result;
    result.services.resize(services.size());
    std::mutex event_mu;
    auto emit = [&](WaitEvent e) {
        if (!hooks.on_event) return;
        std::lock_guard<std::mutex> lock(event_mu);
        hooks.on_event(e);
    };
    auto elapsed = [&] { return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start); };
    auto interrupted = [&] { return hooks.interrupted && hooks.interrupted->load(); };

    // On every way out, an exception from the watcher's hooks included, the probes stop first.
    ThreadGroup threads([&] {
        {
            std::lock_guard<std::mutex> lock(shared.mu);
            shared.stop = true;
        }
        shared.cv.notify_all();
    });
    for (std::size_t i = 0; i < services.size(); ++i) {
        threads.spawn([&, i] {
            const WaitService& svc = services[i];
            ServiceOutcome& out = result.services[i];
            out.name = svc.name;
            out.job = svc.job;
            auto deadline = start + (svc.job ? overall : std::min(overall, svc.probe.timeout));
            emit({.kind = WaitEvent::Kind::waiting, .service = svc.name, .elapsed = elapsed(), .job = svc.job});
            // Dependencies first: probing a service whose database is not up only adds load.
            {
                std::unique_lock<std::mutex> lock(shared.mu);
                bool deps = shared.cv.wait_until(lock, deadline, [&] {
                    if (shared.stop) return true;
                    for (const auto& d : svc.depends_on)
                        if (!shared.ready[d]) return false;
                    return true;
                });
                if (!deps || shared.stop) {
                    if (!deps) out.detail = fmt::format("still waiting for {}", fmt::join(svc.depends_on, ", "));
                    else out.detail = "stopped";
                    return;
                }
            }
            ProbeContext ctx;
            auto delay = std::chrono::milliseconds(50);
            bool announced = false;
            Clock::time_point probing_since;
            Clock::time_point next_still = Clock::time_point::max();
            while (true) {
                ContainerView c;
                int first_restarts = 0;
                {
                    std::lock_guard<std::mutex> lock(shared.mu);
                    if (shared.stop) {
                        out.detail = out.detail.empty() ? "stopped" : out.detail;
                        return;
                    }
                    c = shared.containers[svc.name];
                    first_restarts = shared.first_restarts[svc.name];
                    std::string why;
                    // A job's container exits when it is done: job_attempt judges its exit.
                    if (!svc.job && container_failed(c, first_restarts, why)) {
                        out.exited = true;
                        out.detail = why;
                        break;
                    }
                }
                if (!announced) {
                    emit({.kind = WaitEvent::Kind::probing, .service = svc.name, .elapsed = elapsed(), .job = svc.job});
                    announced = true;
                    probing_since = Clock::now();
                    next_still = probing_since + kStillProbingAfter;
                }
                ProbeResult r;
                if (svc.job) {
                    r = job_attempt(c, first_restarts);
                    if (r.fatal) out.exited = true;
                } else {
                    try {
                        r = run_probe({svc.name, svc.endpoint, svc.probe, ctx, c, hooks});
                    } catch (const std::exception& e) {  // a probe that throws is a failed attempt
                        r.ready = false;
                        r.detail = e.what();
                    }
                }
                ++out.attempts;
                if (r.ready) {
                    out.ready = true;
                    out.detail = r.detail;
                    out.ready_after = elapsed();
                    // The event goes out before dependants are released, so events keep their order.
                    emit({.kind = WaitEvent::Kind::ready, .service = svc.name, .detail = r.detail,
                          .elapsed = out.ready_after, .attempts = out.attempts, .job = svc.job});
                    {
                        std::lock_guard<std::mutex> lock(shared.mu);
                        shared.ready[svc.name] = true;
                    }
                    shared.cv.notify_all();
                    return;
                }
                out.detail = r.detail;
                if (r.fatal) break;
                // Not answering for a while: say for how long, and why (the last attempt's error).
                if (auto now = Clock::now(); now >= next_still) {
                    emit({.kind = WaitEvent::Kind::still_probing, .service = svc.name, .detail = r.detail,
                          .elapsed = elapsed(), .attempts = out.attempts, .job = svc.job,
                          .probing = std::chrono::duration_cast<std::chrono::microseconds>(now - probing_since)});
                    next_still = now + std::chrono::seconds(1);
                }
                if (Clock::now() + delay >= deadline) {
                    out.detail = fmt::format("{} after {} s: {}", svc.job ? "the job has not completed" : "not ready",
                                             std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count(),
                                             r.detail);
                    break;
                }
                std::unique_lock<std::mutex> lock(shared.mu);
                shared.cv.wait_for(lock, delay, [&] { return shared.stop; });
                // Polling starts at 50 ms and backs off to 1 s, but never past 1/20 of the time
                // waited so far: a service is seen ready at most about 5% later than it answers.
                delay = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start) / 20,
                                   std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
            }
            {
                std::lock_guard<std::mutex> lock(shared.mu);
                shared.any_failed = true;
            }
            shared.cv.notify_all();
            if (hooks.log_tail) out.log_tail = hooks.log_tail(svc.name, 20);
            emit({.kind = WaitEvent::Kind::failed, .service = svc.name, .detail = out.detail, .elapsed = elapsed(),
                  .attempts = out.attempts, .job = svc.job});
        });
    }

    // The watcher: container states for fail-fast, and Ctrl-C.
    while (true) {
        bool all_done = true;
        bool any_failed = false;
        {
            std::lock_guard<std::mutex> lock(shared.mu);
            for (const auto& s : services)
                if (!shared.ready[s.name]) all_done = false;
            any_failed = shared.any_failed;
        }
        if (all_done) break;
        if (interrupted() || any_failed || Clock::now() - start > overall + std::chrono::seconds(2)) {
            std::lock_guard<std::mutex> lock(shared.mu);
            shared.stop = true;
            result.interrupted = interrupted();
        }
        if (shared.stop) break;
        auto fresh = hooks.containers();
        {
            std::lock_guard<std::mutex> lock(shared.mu);
            shared.containers = std::move(fresh);
            for (const auto& [name, c] : shared.containers)
                if (!shared.first_restarts.count(name)) shared.first_restarts[name] = c.restart_count;
        }
        shared.cv.notify_all();
        // Until the next container poll, or at once when the last service is ready or one failed.
        std::unique_lock<std::mutex> lock(shared.mu);
        shared.cv.wait_for(lock, std::chrono::milliseconds(250), [&] {
            if (shared.any_failed) return true;
            for (const auto& s : services)
                if (!shared.ready[s.name]) return false;
            return true;
        });
    }
    shared.cv.notify_all();
    threads.join();
    result.ok = !result.interrupted;
    for (const auto& o : result.services) result.ok = result.ok && o.ready;
    return result;
}

}  // namespace devenv

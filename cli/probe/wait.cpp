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
            auto deadline = start + std::min(overall, svc.probe.timeout);
            emit({WaitEvent::Kind::waiting, svc.name, "", elapsed(), 0});
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
            while (true) {
                ContainerView c;
                {
                    std::lock_guard<std::mutex> lock(shared.mu);
                    if (shared.stop) {
                        out.detail = out.detail.empty() ? "stopped" : out.detail;
                        return;
                    }
                    c = shared.containers[svc.name];
                    std::string why;
                    if (container_failed(c, shared.first_restarts[svc.name], why)) {
                        out.exited = true;
                        out.detail = why;
                        break;
                    }
                }
                if (!announced) {
                    emit({WaitEvent::Kind::probing, svc.name, "", elapsed(), 0});
                    announced = true;
                }
                ProbeResult r;
                try {
                    r = run_probe({svc.name, svc.endpoint, svc.probe, ctx, c, hooks});
                } catch (const std::exception& e) {  // a probe that throws is a failed attempt
                    r.ready = false;
                    r.detail = e.what();
                }
                ++out.attempts;
                if (r.ready) {
                    out.ready = true;
                    out.detail = r.detail;
                    out.ready_after = elapsed();
                    // The event goes out before dependants are released, so events keep their order.
                    emit({WaitEvent::Kind::ready, svc.name, r.detail, out.ready_after, out.attempts});
                    {
                        std::lock_guard<std::mutex> lock(shared.mu);
                        shared.ready[svc.name] = true;
                    }
                    shared.cv.notify_all();
                    return;
                }
                out.detail = r.detail;
                if (r.fatal) break;
                if (Clock::now() + delay >= deadline) {
                    out.detail = fmt::format("not ready after {} s: {}",
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
            emit({WaitEvent::Kind::failed, svc.name, out.detail, elapsed(), out.attempts});
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

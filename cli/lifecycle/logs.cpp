#include "lifecycle/logs.hpp"

#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include "util/interrupt.hpp"
#include "util/thread_group.hpp"

namespace devenv {

void split_stamped(const std::string& chunk, std::size_t source, std::vector<LogLine>& out) {
    std::size_t pos = 0;
    while (pos < chunk.size()) {
        std::size_t nl = chunk.find('\n', pos);
        std::string line = chunk.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? chunk.size() : nl + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::size_t sp = line.find(' ');
        if (sp == std::string::npos) out.push_back({line, source, ""});
        else out.push_back({line.substr(0, sp), source, line.substr(sp + 1)});
    }
}

void merge_by_time(std::vector<LogLine>& lines) {
    std::stable_sort(lines.begin(), lines.end(), [](const LogLine& a, const LogLine& b) { return a.stamp < b.stamp; });
}

std::vector<ContainerInfo> log_sources(Environment& env, const std::vector<std::string>& services) {
    std::vector<ContainerInfo> chosen;
    for (auto& c : env.api().list_project(env.profile.project))
        if (services.empty() || std::find(services.begin(), services.end(), c.service) != services.end())
            chosen.push_back(c);
    if (chosen.empty())
        throw Error(ErrorKind::not_ready, fmt::format("project {} has no containers", env.profile.project))
            .hint("start it with `devenv up`");
    return chosen;
}

void run_logs_command(Environment& env, const LogsOptions& o, LogsObserver& obs) {
    std::vector<ContainerInfo> chosen = log_sources(env, o.services);
    obs.sources(chosen);
    LogOptions lo;
    lo.tail = o.tail;
    lo.timestamps = true;  // for the merge; shown only with --timestamps

    if (!o.follow) {
        std::vector<LogLine> lines;
        for (std::size_t i = 0; i < chosen.size(); ++i) split_stamped(env.api().logs(chosen[i].id, lo), i, lines);
        merge_by_time(lines);
        obs.lines(lines);
        return;
    }
    // Following: nothing to clean up, so Ctrl-C ends the process as usual.
    restore_default_interrupt();
    std::mutex mu;
    ThreadGroup threads;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        threads.spawn([&, i] {
            DockerApi api(env.engine.address);  // one client per thread
            std::string partial;
            try {
                api.follow_logs(chosen[i].id, lo, [&](std::string_view chunk) {
                    partial.append(chunk);
                    std::size_t nl = partial.rfind('\n');
                    if (nl == std::string::npos) return true;
                    std::vector<LogLine> lines;
                    split_stamped(partial.substr(0, nl), i, lines);
                    partial.erase(0, nl + 1);
                    std::lock_guard<std::mutex> lock(mu);
                    obs.followed(lines);
                    return true;
                });
            } catch (const Error& e) {
                std::lock_guard<std::mutex> lock(mu);
                obs.source_failed(chosen[i], e);
            }
        });
    }
    threads.join();
}

}  // namespace devenv

#include <algorithm>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands/context.hpp"
#include "util/interrupt.hpp"
#include "util/thread_group.hpp"

namespace devenv {

namespace {

struct LogLine {
    std::string stamp;  // RFC 3339 with fixed-width nanoseconds, so text order is time order
    std::size_t source = 0;
    std::string text;
};

// Splits "STAMP text" lines as the engine sends them with timestamps=true.
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

}  // namespace

void register_logs(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("logs", "The services' logs, merged in time order");
    auto profile = std::make_shared<std::string>();
    auto services = std::make_shared<std::vector<std::string>>();
    auto follow = std::make_shared<bool>(false);
    auto stamps = std::make_shared<bool>(false);
    auto tail = std::make_shared<int>(-1);
    cmd->add_option("services", *services, "Only these services")->type_name("SERVICE");
    cmd->add_option("-p,--profile", *profile, "Profile (default: the one `up` started)");
    cmd->add_flag("-f,--follow", *follow, "Keep printing new lines until Ctrl-C");
    cmd->add_option("-n,--tail", *tail, "Only the last N lines of each service")->type_name("N");
    cmd->add_flag("-t,--timestamps", *stamps, "Show each line's time");
    cmd->callback([&ctx, profile, services, follow, stamps, tail] {
        Environment env = ctx.open(*profile, true);
        check_service_names(*services, env.profile);
        std::vector<ContainerInfo> chosen;
        for (auto& c : env.api().list_project(env.profile.project))
            if (services->empty() || std::find(services->begin(), services->end(), c.service) != services->end())
                chosen.push_back(c);
        if (chosen.empty())
            throw Error(ErrorKind::not_ready, fmt::format("project {} has no containers", env.profile.project))
                .hint("start it with `devenv up`");
        std::size_t width = 0;
        for (const auto& c : chosen) width = std::max(width, c.service.size());
        auto prefix = [&](std::size_t i) {
            return chosen.size() == 1 ? std::string() : fmt::format("{:<{}} | ", chosen[i].service, width);
        };
        auto shown = [&](const LogLine& l) {
            return ctx.mask(fmt::format("{}{}{}", prefix(l.source), *stamps ? l.stamp + " " : "", l.text), env.profile);
        };
        LogOptions lo;
        if (*tail >= 0) lo.tail = *tail;
        lo.timestamps = true;

        if (!*follow) {
            std::vector<LogLine> lines;
            for (std::size_t i = 0; i < chosen.size(); ++i) split_stamped(env.api().logs(chosen[i].id, lo), i, lines);
            std::stable_sort(lines.begin(), lines.end(),
                             [](const LogLine& a, const LogLine& b) { return a.stamp < b.stamp; });
            std::string all;
            for (const auto& l : lines) all += shown(l) + "\n";
            if (!all.empty()) ctx.ui->out(all);
            return;
        }
        // Following: nothing to clean up, so Ctrl-C ends the process as usual.
        restore_default_interrupt();
        std::mutex mu;
        ThreadGroup threads;
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            threads.spawn([&, i] {
                DockerApi api;  // one client per thread
                std::string partial;
                try {
                    api.follow_logs(chosen[i].id, lo, [&](std::string_view chunk) {
                        partial.append(chunk);
                        std::size_t nl = partial.rfind('\n');
                        if (nl == std::string::npos) return true;
                        std::vector<LogLine> lines;
                        split_stamped(partial.substr(0, nl), i, lines);
                        partial.erase(0, nl + 1);
                        std::string block;
                        for (const auto& l : lines) block += shown(l) + "\n";
                        std::lock_guard<std::mutex> lock(mu);
                        ctx.ui->out(block);
                        return true;
                    });
                } catch (const Error& e) {
                    std::lock_guard<std::mutex> lock(mu);
                    ctx.ui->warn(fmt::format("{}: {}", chosen[i].service, e.message()));
                }
            });
        }
        threads.join();
    });
}

}  // namespace devenv

#pragma once
// `devenv logs`: which containers, their lines merged in time order, or followed live (one
// Engine API client per container, lines handed over one block at a time).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "lifecycle/environment.hpp"

namespace devenv {

struct LogLine {
    std::string stamp;       // RFC 3339 with fixed-width nanoseconds, so text order is time order
    std::size_t source = 0;  // index into the chosen containers
    std::string text;
};

// Splits "STAMP text" lines as the engine sends them with timestamps=true.
void split_stamped(const std::string& chunk, std::size_t source, std::vector<LogLine>& out);
// Time order; lines with the same stamp keep their order.
void merge_by_time(std::vector<LogLine>& lines);

struct LogsOptions {
    std::vector<std::string> services;  // empty: every container of the project
    bool follow = false;                // -f
    std::optional<int> tail;            // -n N
};

class LogsObserver {
public:
    virtual ~LogsObserver() = default;
    // The containers shown, before any line (LogLine::source indexes this).
    virtual void sources(const std::vector<ContainerInfo>&) {}
    // Without --follow: every line, merged in time order, once.
    virtual void lines(const std::vector<LogLine>&) {}
    // With --follow: each block of complete lines as it arrives, one call at a time.
    virtual void followed(const std::vector<LogLine>&) {}
    // With --follow: a container's stream broke off (the others go on).
    virtual void source_failed(const ContainerInfo&, const Error&) {}
};

// The project's containers of `services` (all when empty); Error(not_ready) when there are none.
std::vector<ContainerInfo> log_sources(Environment& env, const std::vector<std::string>& services);

// Reads or follows the logs. Following returns when every stream has ended; Ctrl-C ends the
// process as usual then (there is nothing to clean up).
void run_logs_command(Environment& env, const LogsOptions& o, LogsObserver& obs);

}  // namespace devenv

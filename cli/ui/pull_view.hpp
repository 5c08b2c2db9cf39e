#pragma once
// Showing image pulls: on a terminal one live line per image (bytes, layers, speed) redrawn in
// place; in CI or when piped, timestamped lines when a pull starts and ends and every 5 s of
// it; with --json pull event lines (started, progress at most once a second, done, failed);
// nothing with --quiet.
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "lifecycle/pulls.hpp"
#include "ui/ui.hpp"

namespace devenv {

class PullDisplay {
public:
    PullDisplay(const Ui& ui, std::string command, const std::vector<ImageNeed>& images);
    void on_event(const PullEvent& e);
    // Ends the live block (later output starts below it).
    void finish();

private:
    void redraw(bool force);

    const Ui& ui_;
    std::string command_;
    std::vector<std::string> order_;
    std::map<std::string, std::string> line_;
    std::map<std::string, std::chrono::microseconds> last_shown_;  // elapsed at the last plain/JSON progress line
    std::size_t width_ = 0;
    int drawn_ = 0;
    std::chrono::steady_clock::time_point last_draw_{};
    std::mutex mu_;
};

// "1.5 MB", "830 kB", "12 B" (decimal units, as Docker prints them).
std::string format_bytes(std::int64_t bytes);
// What an image's line says after its name: "45.2 MB / 120.0 MB  layers 1/3  8.1 MB/s".
std::string format_pull_progress(const PullEvent& e);
// One JSON event line.
std::string pull_event_json(const PullEvent& e, const std::string& command);
// `devenv pull`'s result: what was pulled, what was present, what Compose builds.
std::string format_pull_summary(const Ui& ui, const PullResult& r);
std::string pull_summary_json(const PullResult& r);

}  // namespace devenv

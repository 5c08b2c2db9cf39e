#pragma once
// Showing a wait: live lines on a terminal, plain timestamped lines in CI or when piped,
// JSON event lines with --json.
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "lifecycle/environment.hpp"
#include "ui/ui.hpp"

namespace devenv {

// The local time of day, HH:MM:SS, that starts each plain (non-terminal) progress line.
std::string clock_now();

class WaitDisplay {
public:
    WaitDisplay(const Ui& ui, std::vector<std::string> services, std::string command);
    void on_event(const WaitEvent& e);
    void note(const std::string& text);
    // Ends the live block (so later output starts below it).
    void finish();

    // still_probing events as plain lines and JSON: at most one per service this often; the
    // terminal's live line takes every one.
    static constexpr std::chrono::seconds kStillProbingEvery{10};

private:
    void redraw();
    bool throttled(const WaitEvent& e);

    const Ui& ui_;
    std::vector<std::string> order_;
    std::map<std::string, std::string> line_;
    std::string command_;
    std::mutex mu_;
    int drawn_ = 0;
    std::chrono::steady_clock::time_point start_;
    std::map<std::string, std::chrono::steady_clock::time_point> last_still_;
};

std::string format_status(const Ui& ui, const StatusReport& r, const Profile& p);
std::string status_json(const StatusReport& r, const Profile& p);
// `devenv status`: the table, or the JSON document with --json; secrets masked.
std::string render_status(const Ui& ui, const StatusReport& r, const Profile& p);
// The table after `up`: each service, its ready time and endpoints, and what to run next.
std::string format_up_summary(const Ui& ui, const UpResult& r, const Profile& p, bool show_secrets);
std::string up_json(const UpResult& r, const Profile& p);
// The line `up` ends with: what to run next; when the profile exports AWS_ENDPOINT_URL (or
// AWS_ENDPOINT_URL_S3), also the AWS CLI's --endpoint-url form, for AWS CLIs older than 2.13
// (Debian 12's 2.9) that ignore those variables and would talk to real AWS.
std::string up_next_steps(const Profile& p);

}  // namespace devenv

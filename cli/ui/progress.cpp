#include "ui/progress.hpp"

#include <algorithm>

#include <cstdio>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ui/mask.hpp"
#include "util/duration.hpp"

namespace devenv {

std::string clock_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
    return buf;
}

namespace {

const char* kind_name(WaitEvent::Kind k) {
    switch (k) {
    case WaitEvent::Kind::waiting: return "waiting";
    case WaitEvent::Kind::probing: return "probing";
    case WaitEvent::Kind::still_probing: return "still_probing";
    case WaitEvent::Kind::ready: return "ready";
    case WaitEvent::Kind::failed: return "failed";
    }
    return "?";
}


}  // namespace

WaitDisplay::WaitDisplay(const Ui& ui, std::vector<std::string> services, std::string command)
    : ui_(ui), order_(std::move(services)), command_(std::move(command)), start_(std::chrono::steady_clock::now()) {
    for (const auto& s : order_) line_[s] = "waiting";
}

void WaitDisplay::note(const std::string& text) {
    std::lock_guard<std::mutex> lock(mu_);
    if (ui_.options().json) {
        nlohmann::ordered_json j = {{"schema_version", 1}, {"event", "note"}, {"command", command_}, {"message", text}};
        ui_.out(j.dump());
        return;
    }
    if (ui_.options().tty) ui_.note(text);
    else ui_.note(fmt::format("{} {}", clock_now(), text));
}

bool WaitDisplay::throttled(const WaitEvent& e) {
    if (e.kind != WaitEvent::Kind::still_probing) return false;
    // Plain lines and JSON: the first after kStillProbingAfter, then one every kStillProbingEvery
    // per service, not one a second (an error that flaps between two texts must not flood CI logs).
    auto now = std::chrono::steady_clock::now();
    auto& last = last_still_[e.service];
    if (last != std::chrono::steady_clock::time_point{} && now - last < kStillProbingEvery) return true;
    last = now;
    return false;
}

void WaitDisplay::on_event(const WaitEvent& e) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto& o = ui_.options();
    double secs = static_cast<double>(e.elapsed.count()) / 1e6;
    double probing_secs = static_cast<double>(e.probing.count()) / 1e6;
    if (o.json) {
        if (throttled(e)) return;
        nlohmann::ordered_json j = {{"schema_version", 1}, {"event", kind_name(e.kind)}, {"command", command_},
                                    {"service", e.service}, {"elapsed_s", std::round(secs * 1000) / 1000}};
        if (!e.detail.empty()) j["detail"] = e.detail;
        if (e.kind == WaitEvent::Kind::ready || e.kind == WaitEvent::Kind::failed ||
            e.kind == WaitEvent::Kind::still_probing)
            j["attempts"] = e.attempts;
        if (e.kind == WaitEvent::Kind::still_probing) j["probing_s"] = std::round(probing_secs * 10) / 10;
        if (e.job) j["job"] = true;
        ui_.out(j.dump());
        return;
    }
    // A job is not probed: it runs, then completes.
    std::string running = e.job ? "running" : "probing";
    std::string done = e.job ? "completed" : "ready";
    std::string text;
    switch (e.kind) {
    case WaitEvent::Kind::waiting: text = ui_.dim("waiting"); break;
    case WaitEvent::Kind::probing: text = running + "…"; break;
    case WaitEvent::Kind::still_probing:
        text = e.job ? fmt::format("running… {:.0f} s", probing_secs)
                     : fmt::format("probing… {:.0f} s, {} attempt{}: {}", probing_secs, e.attempts, e.attempts == 1 ? "" : "s",
                                   e.detail);
        break;
    case WaitEvent::Kind::ready: text = ui_.green(fmt::format("{} in {:.1f} s", done, secs)); break;
    case WaitEvent::Kind::failed: text = ui_.red(fmt::format("failed: {}", e.detail)); break;
    }
    if (o.quiet) return;
    if (o.tty) {
        line_[e.service] = text;
        redraw();
    } else if (e.kind != WaitEvent::Kind::waiting && !throttled(e)) {
        std::string plain = e.kind == WaitEvent::Kind::ready ? fmt::format("{} in {:.1f} s", done, secs)
                          : e.kind == WaitEvent::Kind::failed ? "failed: " + e.detail
                          : e.kind == WaitEvent::Kind::still_probing
                              ? (e.job ? fmt::format("still running after {:.0f} s", probing_secs)
                                       : fmt::format("still probing after {:.0f} s ({} attempt{}): {}", probing_secs,
                                                     e.attempts, e.attempts == 1 ? "" : "s", e.detail))
                              : running;
        ui_.note(fmt::format("{} {:<16} {}", clock_now(), e.service, plain));
    }
}

void WaitDisplay::redraw() {
    std::string block;
    if (drawn_ > 0) block += fmt::format("\033[{}A", drawn_);
    for (const auto& s : order_) block += fmt::format("\r\033[2K  {:<16} {}\n", s, line_[s]);
    ui_.live(block);
    drawn_ = static_cast<int>(order_.size());
}

void WaitDisplay::finish() { drawn_ = 0; }

std::string format_status(const Ui& ui, const StatusReport& r, const Profile& p) {
    std::string out = fmt::format("{} {} (project {})\n", ui.bold("profile"), r.profile, r.project);
    out += fmt::format("  {:<16} {:<11} {:<9} {:<9} {}\n", "SERVICE", "STATE", "HEALTH", "PROBE", "PORTS / DETAIL");
    for (const auto& s : r.services) {
        std::string state = s.has_container ? s.container.state : "absent";
        if (s.has_container && s.container.state == "exited") state += fmt::format(" ({})", s.container.exit_code);
        if (s.completed) state = "completed";  // a job that exited with code 0
        std::string health = s.has_container && !s.container.health.empty() ? s.container.health : "-";
        std::string probe = !s.has_container || s.container.state != "running" ? "-"
                            : s.ready ? fmt::format("ok {}ms", s.probe.latency.count() / 1000)
                                      : "failing";
        std::string ports;
        for (const auto& pb : s.container.ports)
            if (pb.host_port) ports += fmt::format("{}{}->{}", ports.empty() ? "" : ", ", pb.host_port, pb.container_port);
        std::string detail = s.ready || !s.has_container || s.container.state != "running" ? ports : s.probe.detail;
        if (s.job) {
            probe = "-";
            detail = s.completed ? "job: exited with code 0" : "job: " + s.probe.detail;
        }
        if (!s.has_container) detail = "not created (devenv up)";
        std::string shown_state = s.ready ? ui.green(fmt::format("{:<11}", state))
                                          : ui.red(fmt::format("{:<11}", state));
        out += fmt::format("  {:<16} {} {:<9} {:<9} {}\n", s.name, shown_state, health, probe, detail);
    }
    out += r.all_ready ? "all services ready\n" : "not all services are ready\n";
    (void)p;
    return out;
}

std::string status_json(const StatusReport& r, const Profile& p) {
    nlohmann::ordered_json j;
    j["schema_version"] = 1;
    j["project"] = r.project;
    j["profile"] = r.profile;
    j["ready"] = r.all_ready;
    j["services"] = nlohmann::ordered_json::array();
    for (const auto& s : r.services) {
        nlohmann::ordered_json sj;
        sj["name"] = s.name;
        sj["ready"] = s.ready;
        sj["job"] = s.job;
        sj["completed"] = s.completed;
        sj["container"] = s.has_container ? nlohmann::ordered_json{
                                                {"id", s.container.id.substr(0, 12)},
                                                {"name", s.container.name},
                                                {"state", s.container.state},
                                                {"status", s.container.status},
                                                {"exit_code", s.container.exit_code},
                                                {"restarts", s.container.restart_count},
                                                {"health", s.container.health.empty() ? nlohmann::ordered_json(nullptr)
                                                                                      : nlohmann::ordered_json(s.container.health)}}
                                          : nlohmann::ordered_json(nullptr);
        const Service* svc = p.find_service(s.name);
        sj["probe"] = {{"kind", s.job ? std::string("job") : svc ? svc->probe.kind : ""},
                       {"ok", s.ready},
                       {"detail", s.probe.detail},
                       {"latency_ms", static_cast<double>(s.probe.latency.count()) / 1000.0}};
        sj["ports"] = nlohmann::ordered_json::array();
        for (const auto& pb : s.container.ports)
            if (pb.host_port)
                sj["ports"].push_back({{"host_ip", pb.host_ip}, {"host_port", pb.host_port},
                                       {"container_port", pb.container_port}, {"protocol", pb.proto}});
        j["services"].push_back(sj);
    }
    return j.dump(2);
}

std::string format_up_summary(const Ui& ui, const UpResult& r, const Profile& p, bool show_secrets) {
    std::string out;
    if (r.already_up) out += fmt::format("{} is already up ({})\n", p.name, format_duration(r.took));
    else out += fmt::format("{} is up in {}\n", ui.bold(p.name), format_duration(r.took));
    for (const auto& s : r.wait.services) {
        const Service* svc = p.find_service(s.name);
        std::string endpoints;
        std::vector<std::string_view> shown;  // one endpoint under several names (S3_ENDPOINT, AWS_ENDPOINT_URL_S3) once
        if (svc)
            for (const auto& e : svc->exports) {
                if (e.name.find("URL") == std::string::npos && e.name.find("ENDPOINT") == std::string::npos &&
                    e.name.find("SERVERS") == std::string::npos)
                    continue;
                if (std::find(shown.begin(), shown.end(), e.value) != shown.end()) continue;
                shown.push_back(e.value);
                endpoints += (endpoints.empty() ? "" : "  ") + (show_secrets ? e.value : mask_secrets(e.value, p));
            }
        std::string done = s.job ? "completed" : "ready";
        std::string when = r.already_up ? done : fmt::format("{} in {:.1f} s", done, static_cast<double>(s.ready_after.count()) / 1e6);
        out += fmt::format("  {:<16} {:<16} {}\n", s.name, ui.green(when), endpoints);
    }
    return out;
}

std::string render_status(const Ui& ui, const StatusReport& r, const Profile& p) {
    return masked(ui, ui.options().json ? status_json(r, p) : format_status(ui, r, p), p);
}

std::string up_next_steps(const Profile& p) {
    std::string out = "next: eval \"$(devenv env)\" to export the connection variables; devenv status; devenv reset; devenv down";
    std::string all, s3;  // the exported values: later services win, as in `devenv env`
    for (const auto& s : p.services)
        for (const auto& e : s.exports) {
            if (e.name == "AWS_ENDPOINT_URL") all = e.value;
            if (e.name == "AWS_ENDPOINT_URL_S3") s3 = e.value;
        }
    for (const auto& e : p.exports) {
        if (e.name == "AWS_ENDPOINT_URL") all = e.value;
        if (e.name == "AWS_ENDPOINT_URL_S3") s3 = e.value;
    }
    if (!all.empty())
        out += fmt::format("\n  AWS CLI before 2.13 ignores AWS_ENDPOINT_URL: aws --endpoint-url {} sts get-caller-identity", all);
    if (!s3.empty() && s3 != all)
        out += fmt::format("\n  AWS CLI before 2.13 ignores AWS_ENDPOINT_URL_S3: aws --endpoint-url {} s3 ls", s3);
    return out;
}

std::string up_json(const UpResult& r, const Profile& p) {
    nlohmann::ordered_json j;
    j["schema_version"] = 1;
    j["event"] = "up";
    j["profile"] = p.name;
    j["project"] = p.project;
    j["already_up"] = r.already_up;
    j["took_s"] = static_cast<double>(r.took.count()) / 1e6;
    j["services"] = nlohmann::ordered_json::array();
    for (const auto& s : r.wait.services)
        j["services"].push_back({{"name", s.name}, {"ready", s.ready}, {"job", s.job},
                                 {"ready_after_s", static_cast<double>(s.ready_after.count()) / 1e6}});
    return j.dump();
}

}  // namespace devenv

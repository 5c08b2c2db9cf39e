#include "ui/pull_view.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "ui/progress.hpp"
#include "util/duration.hpp"

namespace devenv {

namespace {

using namespace std::chrono_literals;

constexpr auto kPlainEvery = 5s;   // a CI log line per image at most this often
constexpr auto kJsonEvery = 1s;    // a progress event per image at most this often
constexpr auto kRedrawEvery = 100ms;
constexpr std::size_t kMaxNameWidth = 44;

double seconds(std::chrono::microseconds us) { return static_cast<double>(us.count()) / 1e6; }

const char* kind_name(PullEvent::Kind k) {
    switch (k) {
    case PullEvent::Kind::started: return "pull_started";
    case PullEvent::Kind::progress: return "pull_progress";
    case PullEvent::Kind::done: return "pull_done";
    case PullEvent::Kind::failed: return "pull_failed";
    }
    return "pull_progress";
}

std::string speed(const PullEvent& e) {
    double s = seconds(e.elapsed);
    if (s < 0.5 || e.progress.bytes_done <= 0) return "";
    return format_bytes(static_cast<std::int64_t>(static_cast<double>(e.progress.bytes_done) / s)) + "/s";
}

std::string done_text(const PullEvent& e) {
    if (e.up_to_date) return fmt::format("up to date ({:.1f} s)", seconds(e.elapsed));
    std::string sp = speed(e);
    return fmt::format("pulled {} in {:.1f} s{}", format_bytes(e.progress.bytes_total), seconds(e.elapsed),
                       sp.empty() ? "" : fmt::format(" ({})", sp));
}

}  // namespace

std::string format_bytes(std::int64_t bytes) {
    double b = static_cast<double>(bytes);
    if (bytes < 1000) return fmt::format("{} B", bytes);
    if (b < 1e6) return fmt::format("{:.0f} kB", b / 1e3);
    if (b < 1e9) return fmt::format("{:.1f} MB", b / 1e6);
    return fmt::format("{:.2f} GB", b / 1e9);
}

std::string format_pull_progress(const PullEvent& e) {
    const PullSnapshot& p = e.progress;
    if (p.layers_total == 0) return "resolving";
    std::string bytes = p.bytes_total > 0 ? fmt::format("{} / {}", format_bytes(p.bytes_done), format_bytes(p.bytes_total))
                                          : std::string("waiting for layers");
    std::string out = fmt::format("{}  layers {}/{}", bytes, p.layers_done, p.layers_total);
    std::string sp = speed(e);
    if (!sp.empty()) out += "  " + sp;
    if (p.extracting) out += "  extracting";
    return out;
}

std::string pull_event_json(const PullEvent& e, const std::string& command) {
    nlohmann::ordered_json j = {{"schema_version", 1}, {"event", kind_name(e.kind)}, {"command", command},
                                {"image", e.image}, {"services", e.services},
                                {"elapsed_s", std::round(seconds(e.elapsed) * 1000) / 1000}};
    if (e.kind != PullEvent::Kind::started) {
        j["bytes_done"] = e.progress.bytes_done;
        j["bytes_total"] = e.progress.bytes_total;
        j["layers_done"] = e.progress.layers_done;
        j["layers_total"] = e.progress.layers_total;
    }
    if (e.kind == PullEvent::Kind::done) j["up_to_date"] = e.up_to_date;
    if (e.kind == PullEvent::Kind::failed) {
        j["reason"] = pull_failure_name(e.reason);
        j["detail"] = e.detail;
    }
    return j.dump();
}

PullDisplay::PullDisplay(const Ui& ui, std::string command, const std::vector<ImageNeed>& images)
    : ui_(ui), command_(std::move(command)) {
    for (const auto& i : images) {
        order_.push_back(i.image);
        line_[i.image] = ui_.dim("waiting");
        width_ = std::max(width_, std::min(i.image.size(), kMaxNameWidth));
    }
}

void PullDisplay::on_event(const PullEvent& e) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto& o = ui_.options();
    bool edge = e.kind != PullEvent::Kind::progress;
    if (o.json) {
        auto& last = last_shown_[e.image];
        if (!edge && e.elapsed - last < kJsonEvery) return;
        last = e.elapsed;
        ui_.out(pull_event_json(e, command_));
        return;
    }
    if (o.quiet) return;
    std::string text;
    switch (e.kind) {
    case PullEvent::Kind::started: text = "pulling…"; break;
    case PullEvent::Kind::progress: text = format_pull_progress(e); break;
    case PullEvent::Kind::done: text = ui_.green(done_text(e)); break;
    case PullEvent::Kind::failed: text = ui_.red(fmt::format("failed: {}", pull_failure_name(e.reason))); break;
    }
    if (o.tty) {
        line_[e.image] = text;
        redraw(edge);
        return;
    }
    std::string plain;
    auto& last = last_shown_[e.image];
    switch (e.kind) {
    case PullEvent::Kind::started:
        plain = fmt::format("started ({} {})", e.services.size() == 1 ? "service" : "services", fmt::join(e.services, ", "));
        break;
    case PullEvent::Kind::progress:
        if (e.elapsed - last < kPlainEvery) return;
        plain = format_pull_progress(e);
        break;
    case PullEvent::Kind::done: plain = done_text(e); break;
    case PullEvent::Kind::failed: plain = fmt::format("failed ({}): {}", pull_failure_name(e.reason), e.detail); break;
    }
    last = e.elapsed;
    ui_.note(fmt::format("{} pull {} {}", clock_now(), e.image, plain));
}

void PullDisplay::redraw(bool force) {
    auto now = std::chrono::steady_clock::now();
    if (!force && drawn_ > 0 && now - last_draw_ < kRedrawEvery) return;
    last_draw_ = now;
    std::string block;
    if (drawn_ > 0) block += fmt::format("\033[{}A", drawn_);
    for (const auto& img : order_) {
        std::string name = img.size() > kMaxNameWidth ? "…" + img.substr(img.size() - kMaxNameWidth + 1) : img;
        block += fmt::format("\r\033[2K  {:<{}}  {}\n", name, width_, line_[img]);
    }
    ui_.live(block);
    drawn_ = static_cast<int>(order_.size());
}

void PullDisplay::finish() {
    std::lock_guard<std::mutex> lock(mu_);
    if (ui_.options().tty && !ui_.options().json && !ui_.options().quiet && drawn_ > 0) redraw(true);
    drawn_ = 0;
}

std::string format_pull_summary(const Ui& ui, const PullResult& r) {
    std::string out;
    std::int64_t bytes = 0;
    std::size_t fresh = 0;
    for (const auto& o : r.pulled) {
        bytes += o.progress.bytes_total;
        if (!o.up_to_date) ++fresh;
    }
    if (r.pulled.empty()) out += "nothing to pull";
    else
        out += fmt::format("{} {} image{} ({} new, {} downloaded) in {}", ui.bold("pulled"), r.pulled.size(),
                           r.pulled.size() == 1 ? "" : "s", fresh, format_bytes(bytes), format_duration(r.took));
    std::vector<std::string> present;
    for (const auto& p : r.plan.present) present.push_back(p.image);
    if (!present.empty()) out += fmt::format("\nalready present: {}", fmt::join(present, ", "));
    if (!r.plan.built.empty()) out += fmt::format("\nbuilt by Compose (`devenv up --build`): {}", fmt::join(r.plan.built, ", "));
    return out;
}

std::string pull_summary_json(const PullResult& r) {
    nlohmann::ordered_json j;
    j["schema_version"] = 1;
    j["event"] = "pulled";
    j["command"] = "pull";
    j["took_s"] = std::round(seconds(r.took) * 1000) / 1000;
    j["pulled"] = nlohmann::ordered_json::array();
    for (const auto& o : r.pulled)
        j["pulled"].push_back({{"image", o.image}, {"services", o.services}, {"up_to_date", o.up_to_date},
                               {"bytes", o.progress.bytes_total}, {"layers", o.progress.layers_total},
                               {"took_s", std::round(seconds(o.took) * 1000) / 1000}});
    j["present"] = nlohmann::ordered_json::array();
    for (const auto& p : r.plan.present) j["present"].push_back(p.image);
    j["built"] = r.plan.built;
    return j.dump();
}

}  // namespace devenv

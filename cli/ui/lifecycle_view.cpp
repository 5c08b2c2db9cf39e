#include "ui/lifecycle_view.hpp"

#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ui/env_view.hpp"
#include "ui/mask.hpp"
#include "ui/seed_report.hpp"

namespace devenv {

namespace {

bool looks_secret(const std::string& name) {
    std::string up = name;
    for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const char* word : {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "AUTH"})
        if (up.find(word) != std::string::npos) return true;
    return false;
}

std::string shown_value(const std::optional<std::string>& v) {
    if (!v) return "unset";
    return fmt::format("'{}'", *v);
}

}  // namespace

std::vector<std::string> up_selection_notes(const UpSelection& s) {
    if (!s.reused_record) return {};
    const LoadOptions& o = s.env.options;
    std::vector<std::string> parts;
    parts.push_back(o.profile.empty() ? "the project's devenv.yaml" : fmt::format("profile {}", o.profile));
    for (const auto& ov : o.overlays) parts.push_back(fmt::format("--overlay {}", ov));
    if (!o.sets.empty()) parts.push_back(fmt::format("{} --set value{}", o.sets.size(), o.sets.size() == 1 ? "" : "s"));
    if (o.port_offset != 0) parts.push_back(fmt::format("--port-offset {}", o.port_offset));
    parts.push_back(fmt::format("project {}", s.env.profile.project));
    return {fmt::format("starting again what the last `up` here recorded (.devenv/state.json): {}; "
                        "name a profile (`devenv up PROFILE ...`) to choose anew",
                        fmt::join(parts, ", "))};
}

std::vector<std::string> up_selection_warnings(const UpSelection& s) {
    std::vector<std::string> out;
    for (const auto& d : s.differences) {
        std::string change = looks_secret(d.name)
                                 ? fmt::format("{} differs from its value at the recorded `up`", d.name)
                                 : fmt::format("{} was {} at the recorded `up` and is {} now", d.name, shown_value(d.recorded),
                                               shown_value(d.now));
        std::string used;
        if (s.current_env)
            used = looks_secret(d.name) ? "using this shell's (--current-env)"
                                        : fmt::format("using this shell's: {} (--current-env)", shown_value(d.now));
        else
            used = looks_secret(d.name) ? "using the recorded value; `devenv up --current-env` takes this shell's"
                                        : fmt::format("using the recorded {}; `devenv up --current-env` takes this shell's",
                                                      shown_value(d.recorded));
        out.push_back(fmt::format("{}: {}", change, used));
    }
    return out;
}

void show_up_selection(const Ui& ui, const UpSelection& s) {
    // Both on stderr; with --json the note is left out (stdout has the event lines), the warnings are not.
    if (!ui.options().json)
        for (const auto& n : up_selection_notes(s)) ui.note(n);
    for (const auto& w : up_selection_warnings(s)) ui.warn(w);
}

LifecycleView::LifecycleView(const Ui& ui, const Profile& p, Command command)
    : ui_(ui), profile_(p), command_(command) {}

void LifecycleView::note(const std::string& text) { ui_.note(text); }

namespace {

const char* command_name(LifecycleView::Command c) {
    switch (c) {
    case LifecycleView::Command::up: return "up";
    case LifecycleView::Command::wait: return "wait";
    case LifecycleView::Command::seed: return "seed";
    case LifecycleView::Command::reset: return "reset";
    case LifecycleView::Command::pull: return "pull";
    }
    return "up";
}

}  // namespace

void LifecycleView::pulls_started(const std::vector<ImageNeed>& images) {
    pulls_.emplace(ui_, command_name(command_), images);
}

void LifecycleView::pull_event(const PullEvent& e) {
    if (pulls_) pulls_->on_event(e);
}

void LifecycleView::pulls_finished() {
    if (pulls_) pulls_->finish();
}

void LifecycleView::pulled(const PullResult& r) {
    if (ui_.options().json) ui_.out(pull_summary_json(r));
    else if (!ui_.options().quiet) ui_.out(format_pull_summary(ui_, r));
}

void LifecycleView::wait_started(const std::vector<std::string>& services, const std::string& command) {
    wait_.emplace(ui_, services, command);
}

void LifecycleView::wait_note(const std::string& text) {
    if (wait_) wait_->note(text);
    else ui_.note(text);
}

void LifecycleView::wait_event(const WaitEvent& e) {
    if (wait_) wait_->on_event(e);
}

void LifecycleView::wait_finished() {
    if (wait_) wait_->finish();
}

void LifecycleView::up_done(const UpResult& r) {
    if (command_ != Command::up) return;  // reset --hard shows its seed summary only
    if (ui_.options().json) ui_.out(up_json(r, profile_));
    else if (!ui_.options().quiet) ui_.out(format_up_summary(ui_, r, profile_, ui_.options().show_secrets));
}

void LifecycleView::up_seed_decided(UpSeed decision) {
    if (decision == UpSeed::already_applied && !ui_.options().json)
        ui_.note("seed: already applied (devenv seed checks it again)");
}

void LifecycleView::resource(const ResourceResult& r) {
    if (ui_.options().json) return;
    // Failures as they happen; everything with -v.
    if (r.outcome == Outcome::failed) ui_.note(masked(ui_, format_resource(ui_, r), profile_));
    else ui_.verbose(masked(ui_, format_resource(ui_, r), profile_));
}

void LifecycleView::seed_done(const SeedRunResult& r) {
    // `up --json` prints the result as one event line among its others, seed and reset one document.
    if (ui_.options().json) ui_.out(masked(ui_, seed_json(r, command_ == Command::up ? -1 : 2), profile_));
    else if (!ui_.options().quiet || !r.ok) ui_.out(masked(ui_, format_seed_summary(ui_, r), profile_));
}

void LifecycleView::finished() {
    if (command_ != Command::up || ui_.options().json) return;
    for (const auto& w : export_conflict_warnings(export_conflicts(profile_))) ui_.warn(w);
    if (!ui_.options().quiet) ui_.out(up_next_steps(profile_));
}

}  // namespace devenv

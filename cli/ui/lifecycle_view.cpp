#include "ui/lifecycle_view.hpp"

#include "ui/mask.hpp"
#include "ui/seed_report.hpp"

namespace devenv {

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
    if (command_ == Command::up && !ui_.options().json && !ui_.options().quiet) ui_.out(up_next_steps());
}

}  // namespace devenv

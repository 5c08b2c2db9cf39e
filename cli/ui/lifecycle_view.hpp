#pragma once
// Showing `up`, `wait`, `seed`, `reset` and `pull` as lifecycle/ runs them: the pulls, the live wait, the table
// after `up`, each seed resource as it lands (failures always, the rest with -v), the seed
// summary, and `up`'s closing line; JSON event lines and documents with --json.
#include <optional>

#include "lifecycle/observer.hpp"
#include "lifecycle/select.hpp"
#include "ui/progress.hpp"
#include "ui/pull_view.hpp"
#include "ui/ui.hpp"

namespace devenv {

// What `up` with no profile named took from the record, and each variable that differs now:
// a note ("starting again what the last `up` here recorded: ..."), then one warning per
// variable (values of names that look secret, *PASSWORD*, *SECRET*, *TOKEN*, *KEY*, are not shown).
std::vector<std::string> up_selection_notes(const UpSelection& s);
std::vector<std::string> up_selection_warnings(const UpSelection& s);
// Both, shown on `ui` (notes dropped with --quiet).
void show_up_selection(const Ui& ui, const UpSelection& s);

class LifecycleView : public LifecycleObserver {
public:
    enum class Command { up, wait, seed, reset, pull };
    LifecycleView(const Ui& ui, const Profile& p, Command command);

    void note(const std::string& text) override;
    void pulls_started(const std::vector<ImageNeed>& images) override;
    void pull_event(const PullEvent& e) override;
    void pulls_finished() override;
    void pulled(const PullResult& r) override;
    void wait_started(const std::vector<std::string>& services, const std::string& command) override;
    void wait_note(const std::string& text) override;
    void wait_event(const WaitEvent& e) override;
    void wait_finished() override;
    void up_done(const UpResult& r) override;
    void up_seed_decided(UpSeed decision) override;
    void resource(const ResourceResult& r) override;
    void seed_done(const SeedRunResult& r) override;
    void finished() override;

private:
    const Ui& ui_;
    const Profile& profile_;
    Command command_;
    std::optional<WaitDisplay> wait_;
    std::optional<PullDisplay> pulls_;
};

}  // namespace devenv

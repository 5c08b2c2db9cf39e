#pragma once
// Showing `up`, `wait`, `seed`, `reset` and `pull` as lifecycle/ runs them: the pulls, the live wait, the table
// after `up`, each seed resource as it lands (failures always, the rest with -v), the seed
// summary, and `up`'s closing line; JSON event lines and documents with --json.
#include <optional>

#include "lifecycle/observer.hpp"
#include "ui/progress.hpp"
#include "ui/pull_view.hpp"
#include "ui/ui.hpp"

namespace devenv {

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

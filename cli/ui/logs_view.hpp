#pragma once
// Showing `devenv logs`: each line prefixed with its service when there are several, with its
// time on --timestamps, secrets masked.
#include <cstddef>
#include <string>
#include <vector>

#include "lifecycle/logs.hpp"
#include "ui/ui.hpp"

namespace devenv {

class LogsView : public LogsObserver {
public:
    LogsView(const Ui& ui, const Profile& p, bool timestamps);

    void sources(const std::vector<ContainerInfo>& chosen) override;
    void lines(const std::vector<LogLine>& lines) override;
    void followed(const std::vector<LogLine>& lines) override;
    void source_failed(const ContainerInfo& c, const Error& e) override;

    // "db  | 2026-... text": one line as shown.
    std::string shown(const LogLine& l) const;

private:
    const Ui& ui_;
    const Profile& profile_;
    bool timestamps_;
    std::vector<std::string> services_;
    std::size_t width_ = 0;
};

}  // namespace devenv

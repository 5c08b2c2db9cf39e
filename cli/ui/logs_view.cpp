#include "ui/logs_view.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "ui/mask.hpp"

namespace devenv {

LogsView::LogsView(const Ui& ui, const Profile& p, bool timestamps) : ui_(ui), profile_(p), timestamps_(timestamps) {}

void LogsView::sources(const std::vector<ContainerInfo>& chosen) {
    services_.clear();
    width_ = 0;
    for (const auto& c : chosen) {
        services_.push_back(c.service);
        width_ = std::max(width_, c.service.size());
    }
}

std::string LogsView::shown(const LogLine& l) const {
    std::string prefix = services_.size() == 1 || l.source >= services_.size()
                             ? std::string()
                             : fmt::format("{:<{}} | ", services_[l.source], width_);
    return masked(ui_, fmt::format("{}{}{}", prefix, timestamps_ ? l.stamp + " " : "", l.text), profile_);
}

void LogsView::lines(const std::vector<LogLine>& lines) {
    std::string all;
    for (const auto& l : lines) all += shown(l) + "\n";
    if (!all.empty()) ui_.out(all);
}

void LogsView::followed(const std::vector<LogLine>& lines) {
    std::string block;
    for (const auto& l : lines) block += shown(l) + "\n";
    ui_.out(block);
}

void LogsView::source_failed(const ContainerInfo& c, const Error& e) { ui_.warn(fmt::format("{}: {}", c.service, e.message())); }

}  // namespace devenv

#include "ui/seed_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "util/duration.hpp"

namespace devenv {

std::string format_resource(const Ui& ui, const ResourceResult& r) {
    std::string outcome(outcome_name(r.outcome));
    std::string shown = r.outcome == Outcome::failed  ? ui.red(outcome)
                      : r.outcome == Outcome::drift   ? ui.yellow(outcome)
                      : r.outcome == Outcome::created || r.outcome == Outcome::updated ? ui.green(outcome)
                                                      : ui.dim(outcome);
    return fmt::format("  {:<12} {:<15} {} {}{}", r.service, r.kind, r.resource, shown,
                       r.detail.empty() ? "" : ": " + r.detail);
}

std::string format_seed_summary(const Ui& ui, const SeedRunResult& r) {
    std::string out;
    if (r.services.empty()) return fmt::format("{}: nothing is declared to seed\n", r.command);
    for (const auto& s : r.services) {
        std::string ran = fmt::format("{} exec step{} ran", s.ran, s.ran == 1 ? "" : "s");
        std::string counts;
        if (s.ran && !s.created && !s.updated && !s.removed && !s.drift && !s.failed) {
            // Exec steps report no change devenv can see: "1 updated" would say something changed.
            counts = fmt::format("nothing changed ({}{})", ran,
                                 s.unchanged ? fmt::format(", {} unchanged", s.unchanged) : std::string());
        } else {
            counts = fmt::format("{} created, {} updated, {} unchanged", s.created, s.updated, s.unchanged);
            if (s.removed) counts += fmt::format(", {} removed", s.removed);
            if (s.ran) counts += ", " + ran;
            if (s.drift) counts += ", " + ui.yellow(fmt::format("{} drift", s.drift));
            counts += s.failed ? ", " + ui.red(fmt::format("{} failed", s.failed)) : ", 0 failed";
        }
        out += fmt::format("  {:<16} {}  in {}\n", s.service, counts, format_duration(s.took));
    }
    for (const auto& res : r.results)
        if (res.outcome == Outcome::failed || res.outcome == Outcome::drift) out += format_resource(ui, res) + "\n";
    if (!r.changed_exports.empty())
        out += ui.yellow(fmt::format("  new identifiers: {}; export them again (eval \"$(devenv env)\")",
                                     fmt::join(r.changed_exports, ", "))) + "\n";
    std::string head = r.ok ? fmt::format("{} done in {}", r.command, format_duration(r.took))
                            : ui.red(fmt::format("{} incomplete after {}", r.command, format_duration(r.took)));
    return head + "\n" + out;
}

std::string seed_json(const SeedRunResult& r, int indent) {
    nlohmann::ordered_json j;
    j["schema_version"] = 1;
    if (indent < 0) j["event"] = "seed";  // a line among up's event lines
    j["command"] = r.command;
    j["ok"] = r.ok;
    j["took_s"] = static_cast<double>(r.took.count()) / 1e6;
    j["services"] = nlohmann::ordered_json::array();
    for (const auto& s : r.services)
        j["services"].push_back({{"name", s.service}, {"created", s.created}, {"updated", s.updated},
                                 {"unchanged", s.unchanged}, {"drift", s.drift}, {"removed", s.removed},
                                 {"failed", s.failed}, {"ran", s.ran}, {"took_s", static_cast<double>(s.took.count()) / 1e6}});
    j["changed_exports"] = r.changed_exports;
    j["resources"] = nlohmann::ordered_json::array();
    for (const auto& res : r.results)
        j["resources"].push_back({{"service", res.service}, {"kind", res.kind}, {"resource", res.resource},
                                  {"outcome", std::string(outcome_name(res.outcome))}, {"detail", res.detail}});
    return j.dump(indent);
}

}  // namespace devenv

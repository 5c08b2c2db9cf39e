#include "ui/doctor_view.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ui/mask.hpp"

namespace devenv {

std::string format_doctor(const Ui& ui, const DoctorRun& run) {
    const DoctorReport& r = run.report;
    if (ui.options().json) {
        nlohmann::ordered_json j;
        j["schema_version"] = 1;
        j["ok"] = r.ok();
        j["profile"] = run.env ? nlohmann::ordered_json(run.env->profile.name) : nlohmann::ordered_json(nullptr);
        j["checks"] = nlohmann::ordered_json::array();
        for (const auto& c : r.checks)
            j["checks"].push_back({{"name", c.name},
                                   {"status", state_name(c.state)},
                                   {"ok", c.state != DoctorCheck::State::fail},
                                   {"summary", c.summary},
                                   {"fix", c.fix.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.fix)}});
        return j.dump(2);
    }
    std::string out;
    for (const auto& c : r.checks) {
        std::string mark = c.state == DoctorCheck::State::ok     ? ui.green("ok  ")
                           : c.state == DoctorCheck::State::fail ? ui.red("FAIL")
                                                                 : ui.dim("skip");
        out += fmt::format("{}  {:<16} {}\n", mark, c.name, c.summary);
        if (!c.fix.empty()) out += fmt::format("      {:<16} fix: {}\n", "", c.fix);
    }
    out += r.ok() ? "everything devenv needs is here\n" : "some checks failed: see fix: above\n";
    return run.env ? masked(ui, out, run.env->profile) : out;
}

}  // namespace devenv

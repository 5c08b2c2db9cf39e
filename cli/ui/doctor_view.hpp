#pragma once
// Showing `devenv doctor`: one line per check with its fix, or a JSON document with --json.
#include <string>

#include "lifecycle/doctor.hpp"
#include "ui/ui.hpp"

namespace devenv {

std::string format_doctor(const Ui& ui, const DoctorRun& run);

}  // namespace devenv

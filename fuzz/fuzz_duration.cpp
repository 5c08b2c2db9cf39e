// parse_duration (profile timeouts, --timeout): any text is a duration or Error(usage); what it
// reads, format_duration_spec writes back so that it reads the same again.
// fuzz-links: devenv_util
#include <cstdlib>

#include "common.hpp"
#include "util/duration.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = devenv::fuzz::as_text(data, size);
    std::chrono::milliseconds d{};
    try {
        d = devenv::parse_duration(text);
    } catch (const devenv::Error&) {
        return 0;
    }
    if (d.count() < 0) std::abort();
    (void)devenv::format_duration(d);
    std::string spec = devenv::format_duration_spec(d);
    if (devenv::parse_duration(spec) != d) std::abort();  // a round-trip failure is a finding
    return 0;
}

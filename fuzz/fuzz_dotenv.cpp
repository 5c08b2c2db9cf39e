// parse_dotenv (.env and .env.local in a project): any bytes are entries or Error(profile).
// Every entry has a valid key and a line inside the file. Lookups know HOME and USER.
// fuzz-links: devenv_util
#include <cstdlib>

#include "common.hpp"
#include "util/dotenv.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = devenv::fuzz::as_text(data, size);
    devenv::EnvLookup lookup = [](std::string_view name) -> std::optional<std::string> {
        if (name == "HOME") return std::string("/home/dev");
        if (name == "USER") return std::string("dev");
        if (name == "EMPTY") return std::string();
        return std::nullopt;
    };
    std::size_t lines = 1;
    for (char c : text) lines += c == '\n';
    try {
        for (const auto& e : devenv::parse_dotenv(text, "fuzz.env", lookup)) {
            if (e.key.empty() || e.line < 1 || static_cast<std::size_t>(e.line) > lines) std::abort();
        }
        // Without a lookup too (the profile's own variables are read that way).
        (void)devenv::parse_dotenv(text, "fuzz.env", {});
    } catch (const devenv::Error&) {
    }
    return 0;
}

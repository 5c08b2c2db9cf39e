#include "probe/short_detail.hpp"

#include "util/strings.hpp"

namespace devenv {

namespace {

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

}  // namespace

std::string short_detail(std::string_view message) {
    std::string_view line;
    while (!message.empty()) {
        auto end = message.find('\n');
        line = trim(message.substr(0, end));
        if (!line.empty() || end == std::string_view::npos) break;
        message.remove_prefix(end + 1);
    }
    std::string out(line);
    // "Connection refused" -> "connection refused", but keep "LOADING", "FATAL", "HTTP".
    if (out.size() >= 2 && is_upper(out[0]) && !is_upper(out[1]))
        out[0] = to_lower(out[0]);
    return out;
}

}  // namespace devenv

#include "probe/short_detail.hpp"

#include <cctype>

namespace devenv {

namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_upper(char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

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
        out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
    return out;
}

}  // namespace devenv

#include <algorithm>

#include <fmt/format.h>

#include "aws/client.hpp"
#include "util/error.hpp"

namespace devenv {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        auto lx = (x >= 'A' && x <= 'Z') ? x - 'A' + 'a' : x;
        auto ly = (y >= 'A' && y <= 'Z') ? y - 'A' + 'a' : y;
        return lx == ly;
    });
}

}  // namespace

std::string AwsResult::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return {};
}

nlohmann::json AwsResult::json() const {
    if (body.empty()) return nlohmann::json::object();
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded())
        throw Error(ErrorKind::seed, fmt::format("AWS answered HTTP {} with a body that is not JSON: {:.200}",
                                                 status, body));
    return parsed;
}

std::string AwsResult::describe() const {
    if (status == 0) return message.empty() ? std::string("no response") : message;
    if (ok()) return fmt::format("HTTP {}", status);
    if (code.empty() && message.empty()) return fmt::format("HTTP {}", status);
    if (message.empty()) return fmt::format("HTTP {} {}", status, code);
    if (code.empty()) return fmt::format("HTTP {}: {}", status, message);
    return fmt::format("HTTP {} {}: {}", status, code, message);
}

}  // namespace devenv

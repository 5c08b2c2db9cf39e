#include <algorithm>

#include <fmt/format.h>

#include "aws/client.hpp"
#include "aws/xml.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace devenv {

namespace {

std::string json_string(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string{};
}

// "com.amazonaws.dynamodb.v20120810#ResourceInUseException" and
// "ResourceNotFoundException:http://internal.amazon.com/coral/..." both name the bare code.
std::string bare_code(std::string code) {
    if (auto hash = code.rfind('#'); hash != std::string::npos) code.erase(0, hash + 1);
    if (auto colon = code.find(':'); colon != std::string::npos) code.erase(colon);
    return code;
}

}  // namespace

void read_aws_error(AwsResult& r) {
    std::size_t first = r.body.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && r.body[first] == '{') {
        auto j = nlohmann::json::parse(r.body, nullptr, false);
        if (j.is_object()) {
            r.code = json_string(j, "__type");
            if (r.code.empty()) r.code = json_string(j, "code");
            r.message = json_string(j, "message");
            if (r.message.empty()) r.message = json_string(j, "Message");
        }
    } else if (first != std::string::npos && r.body[first] == '<') {
        // <ErrorResponse><Error><Code>... (query protocol) or <Error><Code>... (S3); a body
        // that is not well-formed XML (a proxy's HTML page) names no code.
        if (auto doc = XmlDocument::try_parse(r.body)) {
            auto codes = doc->elements("Code");
            auto messages = doc->elements("Message");
            if (!codes.empty()) r.code = codes.front().text();
            if (!messages.empty()) r.message = messages.front().text();
        }
    }
    if (r.code.empty()) r.code = r.header("x-amzn-ErrorType");
    r.code = bare_code(std::move(r.code));
}

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

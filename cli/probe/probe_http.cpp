#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "net/http.hpp"
#include "probe/probe.hpp"
#include "probe/short_detail.hpp"

namespace devenv {

namespace {

std::string probe_url(const ProbeSpec& spec) {
    // An IPv6 literal needs brackets in a URL; a name or IPv4 address must not have them.
    bool v6 = spec.host.find(':') != std::string::npos && !spec.host.starts_with('[');
    auto host = v6 ? fmt::format("[{}]", spec.host) : spec.host;
    auto path = spec.path.empty() || spec.path.front() != '/' ? "/" + spec.path : spec.path;
    return fmt::format("{}://{}:{}{}", spec.scheme, host, spec.port, path);
}

bool status_matches(const ProbeSpec& spec, long status) {
    if (spec.status.empty()) return status >= 200 && status < 300;
    return std::any_of(spec.status.begin(), spec.status.end(),
                       [&](int want) { return want == status; });
}

// A JSON string compares as its contents ("running"), anything else as its JSON text
// (true, 3, null), so a profile can write `equals: running` or `equals: true` alike.
std::string text_form(const nlohmann::json& value) {
    if (value.is_string()) return value.get<std::string>();
    return value.dump();
}

// Empty when the pointer check passes, else what mismatched.
std::string check_pointer(const ProbeSpec& spec, const std::string& body) {
    auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return "body is not JSON";
    try {
        nlohmann::json::json_pointer ptr(spec.json_pointer);
        if (!doc.contains(ptr)) return fmt::format("body lacks {}", spec.json_pointer);
        if (spec.json_equals.empty()) return {};
        auto got = text_form(doc.at(ptr));
        if (got == spec.json_equals) return {};
        return fmt::format("{} is '{}', want '{}'", spec.json_pointer, got, spec.json_equals);
    } catch (const nlohmann::json::exception& e) {
        // A malformed pointer is a profile mistake; reporting it beats a silent "not ready".
        return fmt::format("bad JSON pointer '{}': {}", spec.json_pointer, e.what());
    }
}

}  // namespace

ProbeResult probe_http(const ProbeSpec& spec, ProbeContext& ctx) {
    using namespace std::chrono;
    auto start = steady_clock::now();
    // The context's client outlives this attempt, so the connection stays open between attempts.
    if (!ctx.http) ctx.http = std::make_unique<HttpClient>();

    HttpRequest req;
    req.url = probe_url(spec);
    // One attempt must not eat the wait's deadline: a slow answer is retried by the wait loop.
    req.timeout = std::min(milliseconds{2000}, spec.timeout);
    req.connect_timeout = std::min(milliseconds{500}, spec.timeout);
    HttpResponse resp = ctx.http->send(req);

    ProbeResult result;
    auto finish = [&](bool ready, std::string detail) {
        result.ready = ready;
        result.detail = std::move(detail);
        result.latency = duration_cast<microseconds>(steady_clock::now() - start);
        return result;
    };
    if (!resp.ok()) return finish(false, short_detail(resp.error));
    if (!status_matches(spec, resp.status)) return finish(false, fmt::format("HTTP {}", resp.status));
    if (!spec.body_contains.empty() && resp.body.find(spec.body_contains) == std::string::npos)
        return finish(false, fmt::format("body lacks '{}'", spec.body_contains));
    if (!spec.json_pointer.empty()) {
        if (auto why = check_pointer(spec, resp.body); !why.empty()) return finish(false, why);
    }
    return finish(true, fmt::format("HTTP {}", resp.status));
}

}  // namespace devenv

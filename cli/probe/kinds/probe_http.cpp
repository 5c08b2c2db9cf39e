// The http probe: a response whose status, body and JSON value match.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "net/http.hpp"
#include "probe/kind.hpp"
#include "probe/short_detail.hpp"

namespace devenv {

namespace {

using namespace schema;

std::vector<Field> fields() {
    return {
        opt("path", string()),
        opt("status", one_of({integer(), list(integer())}, "an HTTP status or a list of them")),
        opt("body", string()),
        opt("json_pointer", string()),
        opt("json_equals", string()),
    };
}

struct HttpFields {
    std::string path = "/";
    std::vector<int> status{200};  // any of these; empty = any 2xx
    std::string body_contains;     // substring of the body
    std::string json_pointer;      // RFC 6901 pointer into the JSON body ...
    std::string json_equals;       // ... whose value (as text) must equal this; empty = exists
};

HttpFields read(const ProbeSpec& spec) {
    HttpFields f;
    f.path = probe_text(spec, "path", f.path);
    if (const Value* v = probe_field(spec, "status")) {
        f.status.clear();
        if (v->is_sequence())
            for (const auto& s : v->items()) f.status.push_back(static_cast<int>(integer_value(s, "status")));
        else
            f.status.push_back(static_cast<int>(integer_value(*v, "status")));
    }
    f.body_contains = probe_text(spec, "body");
    f.json_pointer = probe_text(spec, "json_pointer");
    f.json_equals = probe_text(spec, "json_equals");
    return f;
}

std::string probe_url(const Endpoint& ep, const HttpFields& f) {
    // An IPv6 literal needs brackets in a URL; a name or IPv4 address must not have them.
    bool v6 = ep.host.find(':') != std::string::npos && !ep.host.starts_with('[');
    auto host = v6 ? fmt::format("[{}]", ep.host) : ep.host;
    auto path = f.path.empty() || f.path.front() != '/' ? "/" + f.path : f.path;
    return fmt::format("{}://{}:{}{}", ep.scheme, host, ep.port, path);
}

bool status_matches(const HttpFields& f, long status) {
    if (f.status.empty()) return status >= 200 && status < 300;
    return std::any_of(f.status.begin(), f.status.end(), [&](int want) { return want == status; });
}

// A JSON string compares as its contents ("running"), anything else as its JSON text
// (true, 3, null), so a profile can write `equals: running` or `equals: true` alike.
std::string text_form(const nlohmann::json& value) {
    if (value.is_string()) return value.get<std::string>();
    return value.dump();
}

// Empty when the pointer check passes, else what mismatched.
std::string check_pointer(const HttpFields& f, const std::string& body) {
    auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return "body is not JSON";
    try {
        nlohmann::json::json_pointer ptr(f.json_pointer);
        if (!doc.contains(ptr)) return fmt::format("body lacks {}", f.json_pointer);
        if (f.json_equals.empty()) return {};
        auto got = text_form(doc.at(ptr));
        if (got == f.json_equals) return {};
        return fmt::format("{} is '{}', want '{}'", f.json_pointer, got, f.json_equals);
    } catch (const nlohmann::json::exception& e) {
        // A malformed pointer is a profile mistake; reporting it beats a silent "not ready".
        return fmt::format("bad JSON pointer '{}': {}", f.json_pointer, e.what());
    }
}

ProbeResult check(const ProbeCall& call) {
    using namespace std::chrono;
    const ProbeStopwatch finish;
    HttpFields f = read(call.spec);
    // The context's client outlives this attempt, so the connection stays open between attempts.
    if (!call.ctx.http) call.ctx.http = std::make_unique<HttpClient>();

    HttpRequest req;
    req.url = probe_url(call.endpoint, f);
    // One attempt must not eat the wait's deadline: a slow answer is retried by the wait loop.
    req.timeout = std::min(milliseconds{2000}, call.spec.timeout);
    req.connect_timeout = std::min(milliseconds{500}, call.spec.timeout);
    HttpResponse resp = call.ctx.http->send(req);

    if (!resp.ok()) return finish(false, short_detail(resp.error));
    if (!status_matches(f, resp.status)) return finish(false, fmt::format("HTTP {}", resp.status));
    if (!f.body_contains.empty() && resp.body.find(f.body_contains) == std::string::npos)
        return finish(false, fmt::format("body lacks '{}'", f.body_contains));
    if (!f.json_pointer.empty()) {
        if (auto why = check_pointer(f, resp.body); !why.empty()) return finish(false, why);
    }
    return finish(true, fmt::format("HTTP {}", resp.status));
}

void describe(const ProbeSpec& spec, Value& out) {
    HttpFields f = read(spec);
    out.set("path", Value::string(f.path));
    Value st = Value::sequence();
    for (int s : f.status) st.push_back(Value::integer(s));
    out.set("status", st);
}

}  // namespace

extern const ProbeKind http_probe{
    .decl = {.name = "http", .article = "an", .needs_port = true, .fields = fields},
    .check = check,
    .describe = describe,
};

}  // namespace devenv

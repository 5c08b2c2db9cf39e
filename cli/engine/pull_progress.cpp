#include "engine/pull_progress.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "util/strings.hpp"

namespace devenv {

namespace {

std::int64_t number_at(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return 0;
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

std::string string_at(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return {};
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The statuses that the engine reports per layer (its id is then a layer id, not the tag).
bool layer_status(std::string_view s) {
    static constexpr std::array<std::string_view, 9> kinds{
        "Pulling fs layer", "Waiting", "Downloading", "Verifying Checksum", "Download complete",
        "Extracting", "Pull complete", "Already exists", "Retrying"};
    return std::any_of(kinds.begin(), kinds.end(), [&](std::string_view k) { return s.starts_with(k); });
}

bool contains_any(std::string_view text, std::initializer_list<std::string_view> needles) {
    return std::any_of(needles.begin(), needles.end(), [&](std::string_view n) { return text.find(n) != std::string_view::npos; });
}

}  // namespace

void PullProgress::feed_line(std::string_view line) {
    line = trim(line);
    if (line.empty()) return;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) return;
    if (j.contains("error") || j.contains("errorDetail")) {
        std::string msg = string_at(j.value("errorDetail", nlohmann::json::object()), "message");
        if (msg.empty()) msg = string_at(j, "error");
        if (!error_) error_ = msg.empty() ? std::string("the engine reported an error without a message") : msg;
        return;
    }
    std::string status = string_at(j, "status");
    if (status.empty()) {
        // An answer refused before streaming: {"message": "..."}.
        std::string msg = string_at(j, "message");
        if (!msg.empty() && !error_) error_ = msg;
        return;
    }
    std::string id = string_at(j, "id");
    if (!id.empty() && layer_status(status)) {
        if (!layers_.count(id)) order_.push_back(id);
        Layer& l = layers_[id];
        const nlohmann::json detail = j.value("progressDetail", nlohmann::json::object());
        if (status == "Downloading") {
            l.current = number_at(detail, "current");
            if (auto t = number_at(detail, "total"); t > 0) l.total = t;
        } else if (status == "Verifying Checksum" || status == "Download complete") {
            l.downloaded = true;
            l.current = l.total;
        } else if (status == "Extracting") {
            l.downloaded = true;
            l.current = l.total;
            l.extracting = true;
        } else if (status == "Pull complete") {
            l.downloaded = l.done = true;
            l.current = l.total;
            l.extracting = false;
        } else if (status == "Already exists") {
            l.done = true;
        }
        return;
    }
    if (status.starts_with("Digest: ")) digest_ = status.substr(8);
    if (status.starts_with("Status: ")) {
        completed_ = true;
        up_to_date_ = status.find("up to date") != std::string::npos;
    }
}

PullSnapshot PullProgress::snapshot() const {
    PullSnapshot s;
    s.layers_total = static_cast<int>(layers_.size());
    for (const auto& [id, l] : layers_) {
        if (l.done) ++s.layers_done;
        if (l.extracting) s.extracting = true;
        s.bytes_total += l.total;
        s.bytes_done += std::min(l.current, l.total > 0 ? l.total : l.current);
    }
    return s;
}

void LineSplitter::feed(std::string_view chunk, const std::function<void(std::string_view)>& on_line) {
    while (!chunk.empty()) {
        auto nl = chunk.find('\n');
        if (nl == std::string_view::npos) {
            partial_.append(chunk);
            return;
        }
        if (partial_.empty()) {
            on_line(chunk.substr(0, nl));
        } else {
            partial_.append(chunk.substr(0, nl));
            on_line(partial_);
            partial_.clear();
        }
        chunk.remove_prefix(nl + 1);
    }
}

void LineSplitter::finish(const std::function<void(std::string_view)>& on_line) {
    if (!partial_.empty()) on_line(partial_);
    partial_.clear();
}

PullFailure classify_pull_failure(std::string_view message) {
    std::string m = lowercase(trim(message));
    // The engine's whole message when the registry's connection closed mid-layer (seen from
    // Engine 20.10 after its retries, the registry killed during a download).
    if (m == "eof") return PullFailure::unreachable;
    if (contains_any(m, {"toomanyrequests", "too many requests", " 429", "rate limit"})) return PullFailure::rate_limited;
    if (contains_any(m, {"unauthorized", "authentication required", "no basic auth credentials", "denied",
                         "incorrect username or password", "403 forbidden"}))
        return PullFailure::unauthorized;
    if (contains_any(m, {"manifest unknown", "not found", "name unknown", "no such image", "does not exist"}))
        return PullFailure::not_found;
    if (contains_any(m, {"no such host", "connection refused", "connection reset", "dial tcp", "i/o timeout",
                         "network is unreachable", "timeout", "timed out", "unexpected eof", ": eof", "server misbehaving",
                         "temporary failure in name resolution", "tls:", "x509", "certificate", "http: server gave http response",
                         "broken pipe", "no route to host", "502 bad gateway", "503 service unavailable",
                         "504 gateway timeout"}))
        return PullFailure::unreachable;
    return PullFailure::other;
}

const char* pull_failure_name(PullFailure f) {
    switch (f) {
    case PullFailure::unreachable: return "unreachable";
    case PullFailure::not_found: return "not_found";
    case PullFailure::unauthorized: return "unauthorized";
    case PullFailure::rate_limited: return "rate_limited";
    case PullFailure::other: return "other";
    }
    return "other";
}

}  // namespace devenv

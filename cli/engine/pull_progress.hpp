#pragma once
// Reading the Engine API's pull stream (POST /images/create): JSON lines such as
//   {"status":"Pulling fs layer","progressDetail":{},"id":"a1b2c3"}
//   {"status":"Downloading","progressDetail":{"current":1048576,"total":52428800},"id":"a1b2c3"}
//   {"status":"Pull complete","progressDetail":{},"id":"a1b2c3"}
//   {"status":"Status: Downloaded newer image for postgres:17"}
//   {"errorDetail":{"message":"..."},"error":"..."}
// and, when the engine refuses before streaming, one {"message":"..."}. Pure data: fed lines,
// it keeps per-layer progress and what failed; and a failure's text is classified by its likely
// cause so the user gets the fix.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace devenv {

struct PullSnapshot {
    std::int64_t bytes_done = 0;   // downloaded so far, of the layers being downloaded
    std::int64_t bytes_total = 0;  // their sizes, as far as the engine has said (grows)
    int layers_done = 0;           // pulled or already present
    int layers_total = 0;          // layers the engine has listed
    bool extracting = false;       // some layer is being unpacked
};

class PullProgress {
public:
    // One line of the stream (a blank or non-JSON line is ignored).
    void feed_line(std::string_view line);
    PullSnapshot snapshot() const;
    // The engine's error, when the stream reported one.
    const std::optional<std::string>& error() const { return error_; }
    // The stream ended with "Status: Image is up to date": nothing new was fetched.
    bool up_to_date() const { return up_to_date_; }
    // The stream ended with a "Status: ..." line (a stream cut short has none).
    bool completed() const { return completed_; }
    // The "Digest: sha256:..." line's digest, or "".
    const std::string& digest() const { return digest_; }

private:
    struct Layer {
        std::int64_t current = 0;
        std::int64_t total = 0;
        bool downloaded = false;
        bool done = false;
        bool extracting = false;
    };
    std::map<std::string, Layer> layers_;
    std::vector<std::string> order_;
    std::optional<std::string> error_;
    std::string digest_;
    bool up_to_date_ = false;
    bool completed_ = false;
};

// Splits a byte stream into lines, keeping a partial last line for the next chunk.
class LineSplitter {
public:
    void feed(std::string_view chunk, const std::function<void(std::string_view)>& on_line);
    // The partial line left at the end of the stream, if any.
    void finish(const std::function<void(std::string_view)>& on_line);

private:
    std::string partial_;
};

// Why a pull failed, from the engine's or the registry's words.
enum class PullFailure {
    unreachable,   // no network, DNS, connection refused or reset, TLS, timeouts: offline or down
    not_found,     // manifest unknown, no such repository or tag: a typo in a name or pinned version
    unauthorized,  // authentication required, access denied: `docker login REGISTRY`
    rate_limited,  // HTTP 429, toomanyrequests
    other,
};

PullFailure classify_pull_failure(std::string_view message);
// "unreachable", "not_found", "unauthorized", "rate_limited", "other" (JSON `reason`).
const char* pull_failure_name(PullFailure f);

}  // namespace devenv

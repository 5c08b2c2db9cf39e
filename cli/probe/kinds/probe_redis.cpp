// The redis probe: AUTH when the endpoint has a password, then PING answers PONG.
#include <sys/time.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include "probe/kind.hpp"
#include "probe/short_detail.hpp"
#include "probe/sigpipe_guard.hpp"

namespace devenv {

namespace {

struct ContextDeleter {
    void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyDeleter {
    void operator()(void* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// Connect and each command; loopback answers in microseconds, a wedged server must not stall
// the wait loop.
constexpr timeval kTimeout{1, 0};

std::string context_error(const redisContext& c) {
    if (c.err == REDIS_ERR_EOF) return "connection closed by server";
    return short_detail(c.errstr);
}

// Server errors start with a code word ("LOADING Redis is loading...", "WRONGPASS ..."); say
// plainly the ones a starting or misconfigured service gives.
std::string error_reply(std::string_view text) {
    if (text.starts_with("LOADING")) return "loading the dataset";
    if (text.starts_with("NOAUTH")) return "authentication required (no password set)";
    return short_detail(text);
}

Reply command(redisContext& c, const char* format, auto... args) {
    return Reply(static_cast<redisReply*>(redisCommand(&c, format, args...)));
}

ProbeResult check(const ProbeCall& call) {
    const Endpoint& ep = call.endpoint;
    using namespace std::chrono;
    const ProbeStopwatch finish;

    SigpipeGuard no_sigpipe;
    std::unique_ptr<redisContext, ContextDeleter> c(
        redisConnectWithTimeout(ep.host.c_str(), ep.port, kTimeout));
    if (!c) return finish(false, "out of memory");
    if (c->err) return finish(false, context_error(*c));
    redisSetTimeout(c.get(), kTimeout);

    if (!ep.password.empty()) {
        // Redis 6 ACLs take a user name; without one AUTH means the default user.
        auto auth = ep.user.empty()
                        ? command(*c, "AUTH %s", ep.password.c_str())
                        : command(*c, "AUTH %s %s", ep.user.c_str(), ep.password.c_str());
        if (!auth) return finish(false, context_error(*c));
        if (auth->type == REDIS_REPLY_ERROR)
            return finish(false, error_reply(std::string_view(auth->str, auth->len)));
    }

    auto pong = command(*c, "PING");
    if (!pong) return finish(false, context_error(*c));
    std::string_view text(pong->str ? pong->str : "", pong->str ? pong->len : 0);
    if (pong->type == REDIS_REPLY_ERROR) return finish(false, error_reply(text));
    if (pong->type != REDIS_REPLY_STATUS || text != "PONG")
        return finish(false, fmt::format("unexpected PING reply '{}'", short_detail(text)));
    return finish(true, "PONG");
}

}  // namespace

extern const ProbeKind redis_probe{
    .decl = {.name = "redis", .needs_port = true},
    .check = check,
};

}  // namespace devenv

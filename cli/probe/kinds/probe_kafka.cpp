// The kafka probe: broker metadata arrives.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include "probe/kind.hpp"
#include "probe/short_detail.hpp"

namespace devenv {

namespace {

constexpr int kMetadataTimeoutMs = 1000;

struct KafkaDeleter {
    void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct ConfDeleter {
    void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
struct MetadataDeleter {
    void operator()(const rd_kafka_metadata_t* md) const { rd_kafka_metadata_destroy(md); }
};

// librdkafka logs from its own threads; instead of printing, keep the first connection failure
// (facility FAIL, level 6), which names the cause ("Connection refused", "Disconnected while
// requesting ApiVersion") where rd_kafka_metadata only says "Broker transport failure" and the
// error-level lines only say "1/1 brokers are down".
struct LogSink {
    std::mutex mutex;
    std::string first_fail;
    std::string first_error;
};

void capture_log(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
    auto* sink = static_cast<LogSink*>(rd_kafka_opaque(rk));
    if (sink == nullptr) return;
    std::lock_guard lock(sink->mutex);
    if (std::string_view(facility) == "FAIL" && sink->first_fail.empty())
        sink->first_fail = message;
    else if (level <= 3 && sink->first_error.empty())  // syslog LOG_ERR and above
        sink->first_error = message;
}

// "127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused (after
// 0ms in state CONNECT)" -> "connection refused"; "...: Disconnected while requesting
// ApiVersion: might be caused by ..." -> "disconnected while requesting ApiVersion".
std::string fail_cause(std::string_view line) {
    if (auto at = line.find("/bootstrap: "); at != line.npos) line.remove_prefix(at + 12);
    if (auto at = line.find(" failed: "); at != line.npos) line.remove_prefix(at + 9);
    if (auto at = line.find(" (after "); at != line.npos) line = line.substr(0, at);
    if (auto at = line.find(": "); at != line.npos) line = line.substr(0, at);
    return short_detail(line);
}

ProbeResult check(const ProbeCall& call) {
    const Endpoint& ep = call.endpoint;
    using namespace std::chrono;
    const ProbeStopwatch finish;

    // librdkafka retries a refused bootstrap until the metadata timeout; a plain connect says
    // "refused" in microseconds, so a stopped broker costs the wait loop no extra second.
    if (auto tcp = tcp_connect(ep, call.spec.timeout); !tcp.ready) return finish(false, tcp.detail);

    LogSink sink;
    std::unique_ptr<rd_kafka_conf_t, ConfDeleter> conf(rd_kafka_conf_new());
    char err[512] = {};
    bool ipv6 = ep.host.find(':') != std::string::npos && !ep.host.starts_with('[');
    auto servers = ipv6 ? fmt::format("[{}]:{}", ep.host, ep.port)
                        : fmt::format("{}:{}", ep.host, ep.port);
    for (auto [key, value] : {std::pair<const char*, std::string>{"bootstrap.servers", servers},
                              {"client.id", "devenv-probe"},
                              // Up to info, for the FAIL lines LogSink keeps.
                              {"log_level", "6"},
                              {"socket.timeout.ms", std::to_string(kMetadataTimeoutMs)}}) {
        if (rd_kafka_conf_set(conf.get(), key, value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
            return finish(false, fmt::format("kafka config {}: {}", key, err));
    }
    rd_kafka_conf_set_log_cb(conf.get(), capture_log);
    rd_kafka_conf_set_opaque(conf.get(), &sink);

    // rd_kafka_new takes the configuration over only when it succeeds.
    std::unique_ptr<rd_kafka_t, KafkaDeleter> rk(
        rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err));
    if (!rk) return finish(false, fmt::format("kafka client: {}", short_detail(err)));
    conf.release();

    const rd_kafka_metadata_t* raw = nullptr;
    auto rc = rd_kafka_metadata(rk.get(), 0, nullptr, &raw, kMetadataTimeoutMs);
    std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> md(raw);
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::lock_guard lock(sink.mutex);
        if (!sink.first_fail.empty()) return finish(false, fail_cause(sink.first_fail));
        if (!sink.first_error.empty()) return finish(false, short_detail(sink.first_error));
        if (rc == RD_KAFKA_RESP_ERR__TIMED_OUT) return finish(false, "timed out");
        return finish(false, short_detail(rd_kafka_err2str(rc)));
    }
    if (!md || md->broker_cnt < 1) return finish(false, "metadata lists no broker");
    // The advertised address is what clients use next; showing it exposes an advertised name
    // the host cannot resolve.
    const auto& b = md->brokers[0];
    return finish(true, fmt::format("{} broker{} ({}:{})", md->broker_cnt,
                                    md->broker_cnt == 1 ? "" : "s", b.host, b.port));
}

}  // namespace

extern const ProbeKind kafka_probe{
    .decl = {.name = "kafka", .needs_port = true},
    .check = check,
};

}  // namespace devenv

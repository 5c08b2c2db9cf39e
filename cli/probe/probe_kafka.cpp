#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include "probe/probe.hpp"
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

// librdkafka logs from its own threads; instead of printing, keep the first error-level line,
// which names the real cause ("Connection refused") where rd_kafka_metadata only says
// "Broker transport failure" and later lines only say "1/1 brokers are down".
struct LogSink {
    std::mutex mutex;
    std::string first_error;
};

void capture_log(const rd_kafka_t* rk, int level, const char*, const char* message) {
    if (level > 3) return;  // syslog LOG_ERR and above
    auto* sink = static_cast<LogSink*>(rd_kafka_opaque(rk));
    if (sink == nullptr) return;
    std::lock_guard lock(sink->mutex);
    if (sink->first_error.empty()) sink->first_error = message;
}

// "127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused (after
// 0ms in state CONNECT)" -> "connection refused".
std::string log_cause(std::string_view line) {
    if (auto at = line.rfind(": "); at != line.npos) line.remove_prefix(at + 2);
    if (auto paren = line.find(" (after "); paren != line.npos) line = line.substr(0, paren);
    return short_detail(line);
}

}  // namespace

ProbeResult probe_kafka(const ProbeSpec& spec) {
    using namespace std::chrono;
    auto start = steady_clock::now();
    ProbeResult result;
    auto finish = [&](bool ready, std::string detail) {
        result.ready = ready;
        result.detail = std::move(detail);
        result.latency = duration_cast<microseconds>(steady_clock::now() - start);
        return result;
    };

    LogSink sink;
    std::unique_ptr<rd_kafka_conf_t, ConfDeleter> conf(rd_kafka_conf_new());
    char err[512] = {};
    bool ipv6 = spec.host.find(':') != std::string::npos && spec.host.front() != '[';
    auto servers = ipv6 ? fmt::format("[{}]:{}", spec.host, spec.port)
                        : fmt::format("{}:{}", spec.host, spec.port);
    for (auto [key, value] : {std::pair<const char*, std::string>{"bootstrap.servers", servers},
                              {"client.id", "devenv-probe"},
                              {"log_level", "3"},
                              {"socket.timeout.ms", std::to_string(kMetadataTimeoutMs)},
                              // One attempt per probe call; the wait loop retries.
                              {"reconnect.backoff.ms", "100"}}) {
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
        std::string cause;
        {
            std::lock_guard lock(sink.mutex);
            cause = sink.first_error;
        }
        if (!cause.empty()) return finish(false, log_cause(cause));
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

}  // namespace devenv

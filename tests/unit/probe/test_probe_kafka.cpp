#include <doctest/doctest.h>

#include <memory>
#include <string>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "probe/probe.hpp"
#include "test_probe_support.hpp"

using namespace devenv;

namespace {

void quiet(const rd_kafka_t*, int, const char*, const char*) {}

// librdkafka's built-in mock cluster, owned by a producer handle that lives as long as this.
struct MockCluster {
    std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> rk{nullptr, rd_kafka_destroy};
    std::string bootstraps;

    explicit MockCluster(int brokers) {
        char err[512];
        auto* conf = rd_kafka_conf_new();
        auto n = std::to_string(brokers);
        REQUIRE(rd_kafka_conf_set(conf, "test.mock.num.brokers", n.c_str(), err, sizeof err) ==
                RD_KAFKA_CONF_OK);
        rd_kafka_conf_set_log_cb(conf, quiet);
        rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err));
        REQUIRE_MESSAGE(rk != nullptr, err);
        auto* mcluster = rd_kafka_handle_mock_cluster(rk.get());
        REQUIRE(mcluster != nullptr);
        bootstraps = rd_kafka_mock_cluster_bootstraps(mcluster);
    }
};

// The first "host:port" of a bootstrap list.
test::Probe spec_for(const std::string& bootstraps) {
    auto first = split(bootstraps, ',').front();
    auto colon = first.rfind(':');
    test::Probe spec("kafka", std::stoi(first.substr(colon + 1)));
    spec.endpoint.host = first.substr(0, colon);
    return spec;
}

}  // namespace

TEST_SUITE("probe") {

TEST_CASE("kafka: the mock cluster's metadata lists its brokers") {
    MockCluster mock(3);
    auto r = spec_for(mock.bootstraps).attempt();
    INFO(r.detail);
    CHECK(r.ready);
    CHECK(r.detail.starts_with("3 brokers ("));
    MESSAGE("kafka probe against the mock: ", r.latency.count(), " us");
}

TEST_CASE("kafka: a single broker") {
    MockCluster mock(1);
    auto r = spec_for(mock.bootstraps).attempt();
    CHECK(r.ready);
    CHECK(r.detail.starts_with("1 broker ("));
}

TEST_CASE("kafka: a refused port is not ready at once and says why") {
    test::Probe spec("kafka", test::unused_port());
    auto r = spec.attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "connection refused");
    CHECK(r.latency < std::chrono::milliseconds(100));
}

TEST_CASE("kafka: a peer that accepts and hangs up is not ready, within ~1 s") {
    // docker-proxy does this for a published port whose container does not listen yet.
    test::TestServer server([](int) {});
    test::Probe spec("kafka", server.port());
    auto r = spec.attempt();
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "disconnected while requesting ApiVersion");
    CHECK(r.latency < std::chrono::milliseconds(1500));
}

}

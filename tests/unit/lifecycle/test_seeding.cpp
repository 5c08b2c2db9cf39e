// The order seed and reset run services in: dependency waves.
#include <doctest/doctest.h>

#include "lifecycle/seeding.hpp"

using namespace devenv;

TEST_SUITE("lifecycle") {

TEST_CASE("dependency_waves: a service after those it depends on, independent ones together") {
    Service pg, kafka, connect, vault;
    pg.name = "postgres";
    kafka.name = "kafka";
    connect.name = "connect";
    connect.depends_on = {"kafka", "postgres"};
    vault.name = "vault";
    std::vector<const Service*> all{&connect, &pg, &kafka, &vault};
    auto waves = dependency_waves(all);
    REQUIRE(waves.size() == 2);
    CHECK(waves[0] == std::vector<std::size_t>{1, 2, 3});
    CHECK(waves[1] == std::vector<std::size_t>{0});

    // A dependency outside the seeded set (Kafka has no seed here) does not delay anyone.
    std::vector<const Service*> some{&connect, &pg};
    waves = dependency_waves(some);
    REQUIRE(waves.size() == 2);
    CHECK(waves[0] == std::vector<std::size_t>{1});

    // Chains, and a cycle (rejected earlier, when the profile loads) still ends.
    Service a, b;
    a.name = "a";
    b.name = "b";
    a.depends_on = {"b"};
    b.depends_on = {"a"};
    std::vector<const Service*> cyc{&a, &b};
    std::size_t n = 0;
    for (const auto& w : dependency_waves(cyc)) n += w.size();
    CHECK(n == 2);
}

}

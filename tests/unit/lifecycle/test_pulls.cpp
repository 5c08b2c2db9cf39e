// Which images `up` and `pull` fetch, and what a failed pull tells the user.
#include <doctest/doctest.h>

#include <set>

#include "lifecycle/pulls.hpp"
#include "test_helpers.hpp"
#include "yaml/yaml.hpp"

using namespace devenv;

namespace {

Service service(const std::string& name, const std::string& compose_yaml) {
    Service s;
    s.name = name;
    s.compose = parse_yaml(compose_yaml, "test.yaml");
    return s;
}

Profile shop() {
    Profile p;
    p.name = "shop";
    p.services = {service("db", "image: postgres:17\n"), service("replica", "image: postgres:17\n"),
                  service("cache", "image: redis:8\n"), service("api", "image: acme/api:dev\nbuild: .\n"),
                  service("web", "build: ./web\n")};
    return p;
}

PullOutcome failed(const std::string& image, PullFailure why, const std::string& detail, std::vector<std::string> services) {
    PullOutcome o;
    o.image = image;
    o.services = std::move(services);
    o.reason = why;
    o.detail = detail;
    return o;
}

std::string all_of(const Error& e) {
    std::string s = e.message();
    for (const auto& d : e.details()) s += "\n" + d;
    for (const auto& h : e.hints()) s += "\nhint: " + h;
    return s;
}

}  // namespace

TEST_SUITE("lifecycle.pulls") {

TEST_CASE("each image once, built services left to Compose, the policy decides what is pulled") {
    std::set<std::string> engine_has{"redis:8"};
    auto present = [&](const std::string& img) { return engine_has.count(img) > 0; };
    PullPlan missing = plan_pulls(shop(), PullPolicy::missing, present);
    REQUIRE(missing.to_pull.size() == 1);
    CHECK(missing.to_pull[0].image == "postgres:17");
    CHECK(missing.to_pull[0].services == std::vector<std::string>{"db", "replica"});
    REQUIRE(missing.present.size() == 1);
    CHECK(missing.present[0].image == "redis:8");
    CHECK(missing.built == std::vector<std::string>{"api", "web"});

    PullPlan always = plan_pulls(shop(), PullPolicy::always, present);
    CHECK(always.to_pull.size() == 2);
    CHECK(always.present.empty());

    CHECK(parse_pull_policy("never") == PullPolicy::never);
    CHECK(parse_pull_policy("always") == PullPolicy::always);
    CHECK_FALSE(parse_pull_policy("sometimes"));
    CHECK(std::string(pull_policy_name(PullPolicy::missing)) == "missing");
}

TEST_CASE("a failed pull names the image, its services, the registry's answer and the fix") {
    Error nf = pull_error({failed("127.0.0.1:5000/devenv/postgres:17.99", PullFailure::not_found,
                                  "manifest for 127.0.0.1:5000/devenv/postgres:17.99 not found: manifest unknown", {"postgres"})});
    CHECK(nf.kind() == ErrorKind::engine);  // exit 3
    std::string t = all_of(nf);
    CHECK(nf.message() == "cannot pull image 127.0.0.1:5000/devenv/postgres:17.99 (service postgres): registry 127.0.0.1:5000 has no such image or tag");
    CHECK(t.find("the registry's answer: manifest for") != std::string::npos);
    CHECK(t.find("the tag `17.99` (a typo in a pinned version?)") != std::string::npos);
    CHECK(t.find("hint: nothing was started") != std::string::npos);

    Error auth = pull_error({failed("ghcr.io/acme/api:1", PullFailure::unauthorized, "unauthorized: authentication required", {"api"})});
    CHECK(all_of(auth).find("`docker login ghcr.io`") != std::string::npos);
    Error hub = pull_error({failed("acme/private:1", PullFailure::unauthorized, "denied", {"api"})});
    CHECK(all_of(hub).find("`docker login`") != std::string::npos);
    Error refused = pull_error({failed("ghcr.io/acme/api:1", PullFailure::unauthorized, "unauthorized (credentials sent)", {"api"})});
    CHECK(all_of(refused).find("refused the credentials") != std::string::npos);

    Error rate = pull_error({failed("postgres:17", PullFailure::rate_limited, "toomanyrequests", {"db"})});
    CHECK(rate.message().find("registry docker.io is rate-limiting pulls") != std::string::npos);
    CHECK(all_of(rate).find("wait and try again") != std::string::npos);

    PullOutcome stopped;
    stopped.image = "redis:8";
    stopped.cancelled = true;
    Error two = pull_error({failed("a.example/x:1", PullFailure::unreachable, "dial tcp: lookup a.example: no such host", {"x"}),
                            failed("b.example/y:2", PullFailure::not_found, "manifest unknown", {"y"}), stopped});
    std::string s = all_of(two);
    CHECK(two.message() == "cannot pull 2 images: a.example/x:1 (unreachable), b.example/y:2 (not_found)");
    CHECK(s.find("a.example/x:1: registry a.example is unreachable") != std::string::npos);
    CHECK(s.find("`devenv doctor` checks that a.example answers") != std::string::npos);
    CHECK(s.find("nothing was started (1 other pull was stopped)") != std::string::npos);
}

}  // TEST_SUITE

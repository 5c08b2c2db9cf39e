// The pull stream's parsing, failure classification, image references and registry credentials.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/image_ref.hpp"
#include "engine/pull_progress.hpp"
#include "engine/registry_auth.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"

using namespace devenv;

namespace {

// What Engine 20.10 streams for a two-layer image whose first layer it has.
const char* kStream =
    R"({"status":"Pulling from devenv/postgres","id":"17"}
{"status":"Already exists","progressDetail":{},"id":"aaa111"}
{"status":"Pulling fs layer","progressDetail":{},"id":"bbb222"}
{"status":"Downloading","progressDetail":{"current":1000000,"total":4000000},"progress":"[=>   ]","id":"bbb222"}
{"status":"Downloading","progressDetail":{"current":3000000,"total":4000000},"id":"bbb222"}
)";

}  // namespace

TEST_SUITE("engine.pulls") {

TEST_CASE("the pull stream gives bytes and layers as they arrive, split anywhere") {
    PullProgress p;
    LineSplitter lines;
    std::string all = kStream;
    // Chunks that cut lines in the middle, as the socket delivers them.
    for (std::size_t i = 0; i < all.size(); i += 7)
        lines.feed(std::string_view(all).substr(i, 7), [&](std::string_view l) { p.feed_line(l); });
    PullSnapshot s = p.snapshot();
    CHECK(s.layers_total == 2);
    CHECK(s.layers_done == 1);
    CHECK(s.bytes_done == 3000000);
    CHECK(s.bytes_total == 4000000);
    CHECK_FALSE(p.completed());
    CHECK_FALSE(p.error());

    p.feed_line(R"({"status":"Verifying Checksum","progressDetail":{},"id":"bbb222"})");
    p.feed_line(R"({"status":"Extracting","progressDetail":{"current":32768,"total":4000000},"id":"bbb222"})");
    CHECK(p.snapshot().extracting);
    CHECK(p.snapshot().bytes_done == 4000000);
    p.feed_line(R"({"status":"Pull complete","progressDetail":{},"id":"bbb222"})");
    p.feed_line(R"({"status":"Digest: sha256:0123"})");
    p.feed_line(R"({"status":"Status: Downloaded newer image for 127.0.0.1:5000/devenv/postgres:17"})");
    CHECK(p.snapshot().layers_done == 2);
    CHECK_FALSE(p.snapshot().extracting);
    CHECK(p.completed());
    CHECK_FALSE(p.up_to_date());
    CHECK(p.digest() == "sha256:0123");
}

TEST_CASE("an image that is up to date, a stream error, a refusal before streaming, noise") {
    PullProgress up;
    up.feed_line(R"({"status":"Pulling from library/redis","id":"8"})");
    up.feed_line(R"({"status":"Status: Image is up to date for redis:8"})");
    CHECK(up.completed());
    CHECK(up.up_to_date());
    CHECK(up.snapshot().layers_total == 0);

    PullProgress err;
    err.feed_line(R"({"status":"Downloading","progressDetail":{"current":5,"total":10},"id":"x"})");
    err.feed_line(R"({"errorDetail":{"message":"read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer"},"error":"read tcp: connection reset by peer"})");
    REQUIRE(err.error());
    CHECK(*err.error() == "read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer");
    CHECK_FALSE(err.completed());

    PullProgress refused;
    refused.feed_line(R"({"message":"manifest for 127.0.0.1:5000/devenv/postgres:99 not found: manifest unknown: manifest unknown"})");
    REQUIRE(refused.error());
    CHECK(classify_pull_failure(*refused.error()) == PullFailure::not_found);

    PullProgress noise;
    noise.feed_line("");
    noise.feed_line("not json at all");
    noise.feed_line("[1,2]");
    CHECK_FALSE(noise.error());
    CHECK(noise.snapshot().layers_total == 0);

    LineSplitter tail;
    std::string last;
    tail.feed("{\"a\":1}\n{\"b\"", [&](std::string_view l) { last = l; });
    CHECK(last == "{\"a\":1}");
    tail.finish([&](std::string_view l) { last = l; });
    CHECK(last == "{\"b\"");
}

TEST_CASE("failures are classified by the registry's and the engine's words") {
    // Words seen from Engine 20.10 and the distribution registry, and Docker Hub's.
    CHECK(classify_pull_failure("Get \"http://127.0.0.1:5999/v2/\": dial tcp 127.0.0.1:5999: connect: connection refused") ==
          PullFailure::unreachable);
    CHECK(classify_pull_failure("Get \"https://registry.example.invalid/v2/\": dial tcp: lookup registry.example.invalid: no such host") ==
          PullFailure::unreachable);
    CHECK(classify_pull_failure("Get \"https://registry-1.docker.io/v2/\": net/http: request canceled while waiting for connection "
                                "(Client.Timeout exceeded while awaiting headers)") == PullFailure::unreachable);
    CHECK(classify_pull_failure("unexpected EOF") == PullFailure::unreachable);
    CHECK(classify_pull_failure("EOF") == PullFailure::unreachable);  // the registry killed mid-layer
    CHECK(classify_pull_failure("the EOF marker") == PullFailure::other);
    CHECK(classify_pull_failure("manifest for x:1 not found: manifest unknown: manifest unknown") == PullFailure::not_found);
    CHECK(classify_pull_failure("Head \"http://h/v2/devenv/nope/manifests/1\": name unknown") == PullFailure::not_found);
    CHECK(classify_pull_failure("Head \"http://127.0.0.1:5000/v2/devenv/postgres/manifests/17\": no basic auth credentials") ==
          PullFailure::unauthorized);
    CHECK(classify_pull_failure("unauthorized: authentication required") == PullFailure::unauthorized);
    CHECK(classify_pull_failure("pull access denied for acme/nope, repository does not exist or may require 'docker login': "
                                "denied: requested access to the resource is denied") == PullFailure::unauthorized);
    CHECK(classify_pull_failure("toomanyrequests: You have reached your pull rate limit.") == PullFailure::rate_limited);
    CHECK(classify_pull_failure("received unexpected HTTP status: 429 Too Many Requests") == PullFailure::rate_limited);
    // A digest holding "429" or "503" is no rate limit and no outage.
    CHECK(classify_pull_failure("manifest for x@sha256:4295030000 not found: manifest unknown") == PullFailure::not_found);
    CHECK(classify_pull_failure("no space left on device") == PullFailure::other);
    CHECK(std::string(pull_failure_name(PullFailure::rate_limited)) == "rate_limited");
}

TEST_CASE("image references: registry, repository, tag, digest as Docker reads them") {
    ImageRef a = parse_image_ref("postgres:17");
    CHECK(a.registry == "docker.io");
    CHECK(a.repository == "library/postgres");
    CHECK(a.name == "postgres");
    CHECK(a.tag == "17");
    CHECK(a.pull_tag() == "17");
    ImageRef b = parse_image_ref("127.0.0.1:5000/devenv/postgres:17");
    CHECK(b.registry == "127.0.0.1:5000");
    CHECK(b.repository == "devenv/postgres");
    CHECK(b.name == "127.0.0.1:5000/devenv/postgres");
    ImageRef c = parse_image_ref("localhost:5000/app");
    CHECK(c.registry == "localhost:5000");
    CHECK(c.tag == "latest");
    ImageRef d = parse_image_ref("ghcr.io/acme/api@sha256:abc");
    CHECK(d.registry == "ghcr.io");
    CHECK(d.digest == "sha256:abc");
    CHECK(d.pull_tag() == "sha256:abc");
    CHECK(d.tag.empty());
    ImageRef e = parse_image_ref("motoserver/moto:5.1");
    CHECK(e.registry == "docker.io");
    CHECK(e.repository == "motoserver/moto");
    CHECK(parse_image_ref("localhost/app:1").registry == "localhost");
    CHECK(registry_api_host("docker.io") == "registry-1.docker.io");
    CHECK(loopback_registry("127.0.0.1:5000"));
    CHECK(loopback_registry("localhost:5000"));
    CHECK(loopback_registry("[::1]:5000"));
    CHECK_FALSE(loopback_registry("ghcr.io"));
    CHECK_FALSE(loopback_registry("10.0.0.5:5000"));
}

TEST_CASE("base64 both ways, URL-safe for X-Registry-Auth") {
    CHECK(base64_decode("dXNlcjpwYXNz") == std::optional<std::string>("user:pass"));
    CHECK(base64_decode("dXNlcjpwYXN") == std::optional<std::string>("user:pas"));
    CHECK(base64_decode("YQ==") == std::optional<std::string>("a"));
    CHECK(base64_decode("YQ") == std::optional<std::string>("a"));
    CHECK_FALSE(base64_decode("not*base64"));
    CHECK(base64_url("\xfb\xff") == "-_8=");
    CHECK(base64_decode(base64_url("\xfb\xff")) == std::optional<std::string>("\xfb\xff"));
}

TEST_CASE("registry credentials from config.json: auths, identity tokens, credential helpers") {
    auto dir = std::filesystem::temp_directory_path() / ("devenv-auth-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto write = [&](const std::string& text) { std::ofstream(dir / "config.json") << text; };

    CHECK_FALSE(registry_credentials("ghcr.io", dir.string()));  // no file

    write(R"({"auths": {"https://index.docker.io/v1/": {"auth": "aHViOnNlY3JldA=="},
                        "127.0.0.1:5000": {"auth": "bG9jYWw6cHc="},
                        "https://ghcr.io": {"identitytoken": "tok"}}})");
    auto hub = registry_credentials("docker.io", dir.string());
    REQUIRE(hub);
    CHECK(hub->username == "hub");
    CHECK(hub->password == "secret");
    CHECK(hub->server == "https://index.docker.io/v1/");
    auto local = registry_credentials("127.0.0.1:5000", dir.string());
    REQUIRE(local);
    CHECK(local->username == "local");
    auto gh = registry_credentials("ghcr.io", dir.string());
    REQUIRE(gh);
    CHECK(gh->identity_token == "tok");
    CHECK_FALSE(registry_credentials("quay.io", dir.string()));

    nlohmann::json header = nlohmann::json::parse(*base64_decode(registry_auth_header(*local)));
    CHECK(header["username"] == "local");
    CHECK(header["password"] == "pw");
    CHECK(header["serveraddress"] == "127.0.0.1:5000");
    nlohmann::json token = nlohmann::json::parse(*base64_decode(registry_auth_header(*gh)));
    CHECK(token["identitytoken"] == "tok");
    CHECK_FALSE(token.contains("password"));

    // A helper on PATH, run as `docker-credential-NAME get` with the server on stdin.
    auto bin = dir / "bin";
    std::filesystem::create_directories(bin);
    {
        std::ofstream h(bin / "docker-credential-unittest");
        h << "#!/bin/sh\nread server\n[ \"$1\" = get ] || exit 2\n"
             "case \"$server\" in\n"
             "  reg.example) printf '{\"ServerURL\":\"reg.example\",\"Username\":\"robot\",\"Secret\":\"pw2\"}' ;;\n"
             "  tok.example) printf '{\"ServerURL\":\"tok.example\",\"Username\":\"<token>\",\"Secret\":\"t0k\"}' ;;\n"
             "  broken.example) echo 'keychain locked' >&2; exit 3 ;;\n"
             "  *) echo 'credentials not found in native keychain'; exit 1 ;;\n"
             "esac\n";
    }
    std::filesystem::permissions(bin / "docker-credential-unittest", std::filesystem::perms::owner_all);
    std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", (bin.string() + ":" + old_path).c_str(), 1);
    write(R"({"credsStore": "unittest", "credHelpers": {"special.example": "missinghelper"},
              "auths": {"plain.example": {"auth": "YTpi"}}})");
    auto robot = registry_credentials("reg.example", dir.string());
    REQUIRE(robot);
    CHECK(robot->username == "robot");
    CHECK(robot->password == "pw2");
    CHECK(robot->source == "docker-credential-unittest");
    auto tok = registry_credentials("tok.example", dir.string());
    REQUIRE(tok);
    CHECK(tok->identity_token == "t0k");
    // Not in the store: the auths entry, as the docker CLI falls back to it.
    auto plain = registry_credentials("plain.example", dir.string());
    REQUIRE(plain);
    CHECK(plain->username == "a");
    CHECK_FALSE(registry_credentials("nothing.example", dir.string()));
    try {
        (void)registry_credentials("broken.example", dir.string());
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.message()).find("docker-credential-unittest failed for broken.example") != std::string::npos);
        CHECK(std::string(e.message()).find("keychain") == std::string::npos);  // its output is not repeated
    }
    try {
        (void)registry_credentials("special.example", dir.string());
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.message()).find("docker-credential-missinghelper") != std::string::npos);
    }
    ::setenv("PATH", old_path.c_str(), 1);

    write("{not json");
    try {
        (void)registry_credentials("docker.io", dir.string());
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::engine);
    }
    std::filesystem::remove_all(dir);
}

}  // TEST_SUITE

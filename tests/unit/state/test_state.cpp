#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <random>

#include "state/state.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"

using namespace devenv;

TEST_SUITE("state") {
    TEST_CASE("state record round-trips and is private") {
        auto dir = std::filesystem::temp_directory_path() / ("devenv-state-" + std::to_string(std::random_device{}()));
        StateDir sd = state_dir(dir.string());
        StateRecord r;
        r.profile = "aws";
        r.project = "p";
        r.overlays = {"dev"};
        r.port_offset = 10;
        r.seeded["aws"] = {{"COGNITO_USER_POOL_ID", "us-east-1_x"}};
        write_state(sd, r);
        auto back = read_state(sd);
        REQUIRE(back);
        CHECK(back->profile == "aws");
        CHECK(back->overlays == std::vector<std::string>{"dev"});
        CHECK(back->seeded["aws"]["COGNITO_USER_POOL_ID"] == "us-east-1_x");
        struct stat st {};
        REQUIRE(::stat(sd.state_file().c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        std::filesystem::remove_all(dir);
    }

    TEST_CASE("a second lock waits, then names the holder") {
        auto dir = std::filesystem::temp_directory_path() / ("devenv-lock-" + std::to_string(std::random_device{}()));
        StateDir sd = state_dir(dir.string());
        ProjectLock first(sd, "up", std::chrono::milliseconds(0));
        auto t0 = std::chrono::steady_clock::now();
        try {
            ProjectLock second(sd, "down", std::chrono::milliseconds(300));
            FAIL("second lock acquired");
        } catch (const Error& e) {
            CHECK(e.message().find("`devenv up`") != std::string::npos);
            CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(300));
        }
        std::filesystem::remove_all(dir);
    }

    TEST_CASE("sha256") {
        CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}

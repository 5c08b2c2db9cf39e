#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "util/parallel.hpp"

using namespace devenv;
using namespace std::chrono_literals;

TEST_SUITE("util.parallel") {
    TEST_CASE("every index once, on at most max_workers threads") {
        std::vector<std::atomic<int>> runs(100);
        std::atomic<int> busy{0}, most{0};
        parallel_for(runs.size(), ParallelOptions{3, nullptr}, [&](std::size_t i) {
            int now = ++busy;
            for (int m = most; now > m && !most.compare_exchange_weak(m, now);) {
            }
            std::this_thread::sleep_for(1ms);
            ++runs[i];
            --busy;
        });
        for (const auto& r : runs) CHECK(r == 1);
        CHECK(most <= 3);
        CHECK(most >= 2);
    }

    TEST_CASE("nothing to do, or one thing: no thread is started") {
        parallel_for(0, ParallelOptions{}, [](std::size_t) { FAIL("called"); });
        std::thread::id ran_on;
        parallel_for(1, ParallelOptions{}, [&](std::size_t) { ran_on = std::this_thread::get_id(); });
        CHECK(ran_on == std::this_thread::get_id());
        std::set<std::thread::id> on;
        parallel_for(5, ParallelOptions{1, nullptr}, [&](std::size_t) { on.insert(std::this_thread::get_id()); });
        CHECK(on == std::set<std::thread::id>{std::this_thread::get_id()});
    }

    TEST_CASE("each worker makes its own state once") {
        std::mutex mu;
        std::set<int*> states;
        std::atomic<int> made{0};
        parallel_for(
            50, ParallelOptions{4, nullptr},
            [&] {
                ++made;
                return std::make_unique<int>(0);
            },
            [&](std::unique_ptr<int>& mine, std::size_t) {
                ++*mine;
                std::lock_guard lock(mu);
                states.insert(mine.get());
            });
        CHECK(made == 4);
        CHECK(states.size() <= 4);
    }

    TEST_CASE("the first exception stops the handing out and is rethrown after every worker ended") {
        std::atomic<int> ran{0};
        CHECK_THROWS_WITH_AS(parallel_for(1000, ParallelOptions{4, nullptr},
                                          [&](std::size_t i) {
                                              ++ran;
                                              std::this_thread::sleep_for(1ms);
                                              if (i == 5) throw std::runtime_error("index 5");
                                          }),
                             "index 5", std::runtime_error);
        CHECK(ran < 100);
        // Inline (one worker) the same.
        ran = 0;
        CHECK_THROWS_AS(parallel_for(10, ParallelOptions{1, nullptr},
                                     [&](std::size_t i) {
                                         ++ran;
                                         if (i == 2) throw std::runtime_error("x");
                                     }),
                        std::runtime_error);
        CHECK(ran == 3);
    }

    TEST_CASE("an interruption stops the handing out") {
        std::atomic<bool> interrupted{false};
        std::atomic<int> ran{0};
        parallel_for(1000, ParallelOptions{2, &interrupted}, [&](std::size_t i) {
            ++ran;
            if (i == 3) interrupted = true;
        });
        CHECK(ran < 10);
        interrupted = true;
        ran = 0;
        parallel_for(10, ParallelOptions{2, &interrupted}, [&](std::size_t) { ++ran; });
        CHECK(ran == 0);
    }
}

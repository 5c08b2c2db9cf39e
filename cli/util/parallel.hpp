#pragma once
// The one bounded worker pool: runs fn for every index of [0, count) on at most max_workers
// threads (on the calling thread when one is enough), each taking the next index when it is
// done with one. Once `interrupted` is set or fn has thrown, no worker takes another index;
// the first exception is rethrown here after every worker has finished (util/thread_group.hpp).
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <utility>

#include "util/thread_group.hpp"

namespace devenv {

struct ParallelOptions {
    std::size_t max_workers = 8;
    const std::atomic<bool>* interrupted = nullptr;  // stop handing out indices once set
};

// fn(state, i), where each worker thread makes its own state once with make_state() (say, a
// client that must not be shared between threads) before its first index.
template <class MakeState, class Fn>
void parallel_for(std::size_t count, const ParallelOptions& opt, MakeState&& make_state, Fn&& fn) {
    if (count == 0) return;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    auto work = [&] {
        auto state = make_state();
        for (;;) {
            if (failed.load() || (opt.interrupted && opt.interrupted->load())) return;
            std::size_t i = next.fetch_add(1);
            if (i >= count) return;
            try {
                fn(state, i);
            } catch (...) {
                failed = true;
                throw;
            }
        }
    };
    std::size_t workers = std::min(count, std::max<std::size_t>(1, opt.max_workers));
    if (workers == 1) {
        work();
        return;
    }
    ThreadGroup threads;
    threads.reserve(workers);
    for (std::size_t t = 0; t < workers; ++t) threads.spawn(work);
    threads.join();
}

// fn(i), no per-worker state.
template <class Fn>
void parallel_for(std::size_t count, const ParallelOptions& opt, Fn&& fn) {
    struct None {};
    parallel_for(count, opt, [] { return None{}; }, [&fn](None&, std::size_t i) { fn(i); });
}

}  // namespace devenv

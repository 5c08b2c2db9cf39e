#pragma once
// Threads that are joined on every exit path. A std::thread destroyed while still joinable ends
// the process ("terminate called without an active exception"): when the code that started the
// threads throws, or a signal makes it return early, the group first calls `stop` (so the threads
// wind down instead of running out their deadlines) and then joins them all. An exception that
// escapes a thread's function is kept and rethrown by join(), not left to end the process.
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace devenv {

class ThreadGroup {
public:
    explicit ThreadGroup(std::function<void()> stop = {}) : stop_(std::move(stop)) {}
    ~ThreadGroup() {
        if (stop_ && !joined_) stop_();
        join_all();
    }
    ThreadGroup(const ThreadGroup&) = delete;
    ThreadGroup& operator=(const ThreadGroup&) = delete;

    void reserve(std::size_t n) { threads_.reserve(n); }

    template <class Fn>
    void spawn(Fn fn) {
        threads_.emplace_back([this, fn = std::move(fn)]() mutable {
            try {
                fn();
            } catch (...) {
                std::lock_guard<std::mutex> lock(mu_);
                if (!error_) error_ = std::current_exception();
            }
        });
    }

    // Joins every thread, then rethrows the first exception one of them let escape.
    void join() {
        joined_ = true;
        join_all();
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

private:
    void join_all() {
        for (auto& t : threads_)
            if (t.joinable()) t.join();
    }

    std::function<void()> stop_;
    std::vector<std::thread> threads_;
    std::mutex mu_;
    std::exception_ptr error_;
    bool joined_ = false;
};

}  // namespace devenv

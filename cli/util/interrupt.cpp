#include "util/interrupt.hpp"

#include <csignal>

namespace devenv {

namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};

extern "C" void on_interrupt(int sig) {
    int none = 0;
    g_signal.compare_exchange_strong(none, sig);
    if (g_interrupted.exchange(true)) {
        // Second Ctrl-C: the user means it.
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }
}

}  // namespace

void install_interrupt_handler() {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

const std::atomic<bool>& interrupted_flag() { return g_interrupted; }

int interrupted_exit_code() {
    int sig = g_signal.load();
    return 128 + (sig == 0 ? SIGINT : sig);
}

void restore_default_interrupt() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

}  // namespace devenv

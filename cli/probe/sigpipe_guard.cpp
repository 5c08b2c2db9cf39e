#include "probe/sigpipe_guard.hpp"

#include <pthread.h>

#include <ctime>

namespace devenv {

namespace {

sigset_t pipe_set() {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    return s;
}

}  // namespace

SigpipeGuard::SigpipeGuard() {
    sigset_t pending;
    sigpending(&pending);
    // One already pending belongs to someone else; leave it for them.
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    auto s = pipe_set();
    pthread_sigmask(SIG_BLOCK, &s, &old_mask_);
}

SigpipeGuard::~SigpipeGuard() {
    if (!was_pending_) {
        sigset_t pending;
        sigpending(&pending);
        if (sigismember(&pending, SIGPIPE) == 1) {
            auto s = pipe_set();
            timespec zero{0, 0};
            sigtimedwait(&s, nullptr, &zero);
        }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

}  // namespace devenv

#pragma once
// hiredis writes with write(2), so a peer that accepts and then closes (docker-proxy in front of
// a container that is not listening yet) would raise SIGPIPE and kill the process. This blocks
// SIGPIPE on the calling thread for the guard's life and swallows one raised meanwhile, so the
// write fails with EPIPE instead; the rest of the program's signal handling is untouched.
#include <signal.h>

namespace devenv {

class SigpipeGuard {
public:
    SigpipeGuard();
    ~SigpipeGuard();
    SigpipeGuard(const SigpipeGuard&) = delete;
    SigpipeGuard& operator=(const SigpipeGuard&) = delete;

private:
    sigset_t old_mask_{};
    bool was_pending_ = false;
};

}  // namespace devenv

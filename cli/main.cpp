#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "commands/app.hpp"
#include "util/interrupt.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DEVENV_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define DEVENV_SANITIZED 1
#endif
#endif

int main(int argc, char** argv) {
    devenv::install_interrupt_handler();
    int code = devenv::run_app(argc, argv);
#ifndef DEVENV_SANITIZED
    // Everything the command owned is closed by now (run_app's objects are destroyed: files
    // written and renamed, child processes waited for). What exit() would still run are the
    // libraries' own handlers (OpenSSL's and libcurl's global cleanup, about a millisecond
    // here): the output is flushed and the process ends without them. A sanitized build runs
    // them, for the leak check.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    std::_Exit(code);
#else
    return code;
#endif
}

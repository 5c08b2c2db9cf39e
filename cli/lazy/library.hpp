#pragma once
// The outside libraries devenv loads on first use, not at start-up: libcurl (every HTTP call,
// the Engine API), libpq (PostgreSQL) and librdkafka (Kafka). Together with what they need
// (OpenSSL, Kerberos, LDAP, SASL, nghttp2, ...) they are about 35 shared objects that the
// dynamic loader would otherwise map and relocate before main(), for every command, even
// `devenv version` (docs/architecture.md, "Start-up").
//
// The executable links the forwarders in cli/lazy/*_forwarders.cpp instead of the libraries:
// functions with the libraries' own names and signatures (checked against their headers), each
// of which opens its library on its first call (dlopen, thread-safe) and calls the real function.
// The code that uses a library includes its header and calls it as usual.
#include <atomic>
#include <mutex>
#include <string>

namespace devenv::lazy {

class Library {
public:
    // soname: "libpq.so.5"; what: "PostgreSQL"; package: the Debian package that ships it.
    Library(const char* soname, const char* what, const char* package)
        : soname_(soname), what_(what), package_(package) {}
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;

    // The address of the library's function `name`, opening the library on the first call.
    // Throws Error(internal) naming the library and the package when it cannot be loaded.
    void* symbol(const char* name);
    // Whether the library is loaded already (for tests and `devenv doctor`).
    bool loaded() const;

private:
    void* open();

    const char* soname_;
    const char* what_;
    const char* package_;
    std::once_flag once_;
    std::atomic<void*> handle_{nullptr};
    std::string error_;  // dlerror() of the failed dlopen
};

Library& libcurl();
Library& libpq();
Library& librdkafka();

}  // namespace devenv::lazy

#include "lazy/library.hpp"

#include <dlfcn.h>

#include <fmt/format.h>

#include "util/error.hpp"

namespace devenv::lazy {

void* Library::open() {
    std::call_once(once_, [&] {
        // RTLD_NOW: a library that loads has every function; RTLD_LOCAL: its symbols reach devenv
        // only through symbol() below, never by interposing on someone else's.
        if (void* p = ::dlopen(soname_, RTLD_NOW | RTLD_LOCAL)) handle_.store(p);
        else if (const char* e = ::dlerror()) error_ = e;
    });
    void* p = handle_.load();
    if (!p)
        throw Error(ErrorKind::internal, fmt::format("cannot load {}, which devenv needs to reach {}: {}", soname_, what_,
                                                     error_.empty() ? "unknown error" : error_))
            .hint(fmt::format("install Debian's {} package (the devenv package depends on it): `sudo apt-get install {}`",
                              package_, package_));
    return p;
}

void* Library::symbol(const char* name) {
    void* lib = open();
    ::dlerror();
    void* fn = ::dlsym(lib, name);
    if (!fn) {
        const char* e = ::dlerror();
        throw Error(ErrorKind::internal, fmt::format("{} has no function {}: {}", soname_, name, e ? e : "not found"))
            .hint(fmt::format("devenv was built against another version of {}; reinstall devenv and {}", package_, package_));
    }
    return fn;
}

bool Library::loaded() const { return handle_.load() != nullptr; }

Library& libcurl() {
    static Library lib("libcurl.so.4", "HTTP services and the Docker engine", "libcurl4");
    return lib;
}

Library& libpq() {
    static Library lib("libpq.so.5", "PostgreSQL", "libpq5");
    return lib;
}

Library& librdkafka() {
    static Library lib("librdkafka.so.1", "Kafka", "librdkafka1");
    return lib;
}

}  // namespace devenv::lazy

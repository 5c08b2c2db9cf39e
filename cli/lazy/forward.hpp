#pragma once
// DEVENV_FORWARDn(library, function): defines `function` (n parameters) with C linkage as a
// forwarder to the same function in the lazily loaded library (lazy/library.hpp). The return
// and parameter types are read from the library's own declaration, which must be in scope
// (its header included first), so a forwarder cannot disagree with the header.
#include <cstddef>
#include <tuple>

#include "lazy/library.hpp"

namespace devenv::lazy {

template <class F>
struct Signature;
template <class R, class... A>
struct Signature<R(A...)> {
    using result = R;
    template <std::size_t I>
    using arg = std::tuple_element_t<I, std::tuple<A...>>;
};

// The library's function `name` as a pointer of the declared type (looked up once per caller).
template <class Fn>
Fn* real(Library& lib, const char* name) {
    return reinterpret_cast<Fn*>(lib.symbol(name));
}

}  // namespace devenv::lazy

#define DEVENV_LAZY_R(f) ::devenv::lazy::Signature<decltype(f)>::result
#define DEVENV_LAZY_A(f, i) ::devenv::lazy::Signature<decltype(f)>::template arg<i>
#define DEVENV_LAZY_CALL(lib, f, ...)                                                                \
    {                                                                                                \
        static decltype(&f) const fn = ::devenv::lazy::real<decltype(f)>(::devenv::lazy::lib(), #f); \
        return fn(__VA_ARGS__);                                                                      \
    }

#define DEVENV_FORWARD0(lib, f) extern "C" DEVENV_LAZY_R(f) f() DEVENV_LAZY_CALL(lib, f)
#define DEVENV_FORWARD1(lib, f) \
    extern "C" DEVENV_LAZY_R(f) f(DEVENV_LAZY_A(f, 0) a0) DEVENV_LAZY_CALL(lib, f, a0)
#define DEVENV_FORWARD2(lib, f) \
    extern "C" DEVENV_LAZY_R(f) f(DEVENV_LAZY_A(f, 0) a0, DEVENV_LAZY_A(f, 1) a1) DEVENV_LAZY_CALL(lib, f, a0, a1)
#define DEVENV_FORWARD3(lib, f)                                                                      \
    extern "C" DEVENV_LAZY_R(f) f(DEVENV_LAZY_A(f, 0) a0, DEVENV_LAZY_A(f, 1) a1, DEVENV_LAZY_A(f, 2) a2) \
        DEVENV_LAZY_CALL(lib, f, a0, a1, a2)
#define DEVENV_FORWARD4(lib, f)                                                                      \
    extern "C" DEVENV_LAZY_R(f) f(DEVENV_LAZY_A(f, 0) a0, DEVENV_LAZY_A(f, 1) a1, DEVENV_LAZY_A(f, 2) a2, \
                                  DEVENV_LAZY_A(f, 3) a3) DEVENV_LAZY_CALL(lib, f, a0, a1, a2, a3)
#define DEVENV_FORWARD5(lib, f)                                                                      \
    extern "C" DEVENV_LAZY_R(f) f(DEVENV_LAZY_A(f, 0) a0, DEVENV_LAZY_A(f, 1) a1, DEVENV_LAZY_A(f, 2) a2, \
                                  DEVENV_LAZY_A(f, 3) a3, DEVENV_LAZY_A(f, 4) a4)                     \
        DEVENV_LAZY_CALL(lib, f, a0, a1, a2, a3, a4)
#define DEVENV_FORWARD6(lib, f)                                                                      \
    extern "C" DEVENV_LAZY_R(f) f(DEVENV_LAZY_A(f, 0) a0, DEVENV_LAZY_A(f, 1) a1, DEVENV_LAZY_A(f, 2) a2, \
                                  DEVENV_LAZY_A(f, 3) a3, DEVENV_LAZY_A(f, 4) a4, DEVENV_LAZY_A(f, 5) a5) \
        DEVENV_LAZY_CALL(lib, f, a0, a1, a2, a3, a4, a5)
#define DEVENV_FORWARD7(lib, f)                                                                      \
    extern "C" DEVENV_LAZY_R(f) f(DEVENV_LAZY_A(f, 0) a0, DEVENV_LAZY_A(f, 1) a1, DEVENV_LAZY_A(f, 2) a2, \
                                  DEVENV_LAZY_A(f, 3) a3, DEVENV_LAZY_A(f, 4) a4, DEVENV_LAZY_A(f, 5) a5, \
                                  DEVENV_LAZY_A(f, 6) a6) DEVENV_LAZY_CALL(lib, f, a0, a1, a2, a3, a4, a5, a6)
#define DEVENV_FORWARD8(lib, f)                                                                      \
    extern "C" DEVENV_LAZY_R(f) f(DEVENV_LAZY_A(f, 0) a0, DEVENV_LAZY_A(f, 1) a1, DEVENV_LAZY_A(f, 2) a2, \
                                  DEVENV_LAZY_A(f, 3) a3, DEVENV_LAZY_A(f, 4) a4, DEVENV_LAZY_A(f, 5) a5, \
                                  DEVENV_LAZY_A(f, 6) a6, DEVENV_LAZY_A(f, 7) a7)                     \
        DEVENV_LAZY_CALL(lib, f, a0, a1, a2, a3, a4, a5, a6, a7)
#define DEVENV_FORWARD9(lib, f)                                                                      \
    extern "C" DEVENV_LAZY_R(f) f(DEVENV_LAZY_A(f, 0) a0, DEVENV_LAZY_A(f, 1) a1, DEVENV_LAZY_A(f, 2) a2, \
                                  DEVENV_LAZY_A(f, 3) a3, DEVENV_LAZY_A(f, 4) a4, DEVENV_LAZY_A(f, 5) a5, \
                                  DEVENV_LAZY_A(f, 6) a6, DEVENV_LAZY_A(f, 7) a7, DEVENV_LAZY_A(f, 8) a8) \
        DEVENV_LAZY_CALL(lib, f, a0, a1, a2, a3, a4, a5, a6, a7, a8)

// libcurl's two variadic functions devenv calls, forwarded by hand (the other functions are in
// libcurl_forwarders.cpp). Their third argument's type follows from the option, as in libcurl's
// own curl_easy_setopt: CURLOPTTYPE_LONG, _OBJECTPOINT, _FUNCTIONPOINT, _OFF_T, _BLOB ranges;
// every CURLINFO is written through a pointer.
#include <cstdarg>

#include <curl/curl.h>

#include "lazy/forward.hpp"

#undef curl_easy_setopt
#undef curl_easy_getinfo

namespace {

using Setopt = CURLcode (*)(CURL*, CURLoption, ...);
using Getinfo = CURLcode (*)(CURL*, CURLINFO, ...);
using AnyFunction = void (*)();

}  // namespace

// The last named parameter is an enum, as libcurl declares it; clang warns that va_start after a
// type that undergoes promotion is undefined in C++. CURLoption and CURLINFO are int-sized
// enums passed in a register like an int on every ABI devenv builds for, as in libcurl's own C.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wvarargs"
#endif

extern "C" CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
    static const auto fn = reinterpret_cast<Setopt>(devenv::lazy::libcurl().symbol("curl_easy_setopt"));
    va_list ap;
    va_start(ap, option);
    CURLcode rc;
    int kind = static_cast<int>(option);
    if (kind < CURLOPTTYPE_OBJECTPOINT) rc = fn(curl, option, va_arg(ap, long));
    else if (kind < CURLOPTTYPE_FUNCTIONPOINT) rc = fn(curl, option, va_arg(ap, void*));
    else if (kind < CURLOPTTYPE_OFF_T) rc = fn(curl, option, va_arg(ap, AnyFunction));
    else if (kind < CURLOPTTYPE_BLOB) rc = fn(curl, option, va_arg(ap, curl_off_t));
    else rc = fn(curl, option, va_arg(ap, void*));
    va_end(ap);
    return rc;
}

extern "C" CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
    static const auto fn = reinterpret_cast<Getinfo>(devenv::lazy::libcurl().symbol("curl_easy_getinfo"));
    va_list ap;
    va_start(ap, info);
    CURLcode rc = fn(curl, info, va_arg(ap, void*));
    va_end(ap);
    return rc;
}

// HTTP response headers as libcurl hands them to devenv, one line at a time (read_header_line),
// and the case-insensitive lookup on them; plus url_encode of any bytes. libcurl parses the
// status line and framing itself: devenv reads no status line of its own.
// fuzz-links: devenv_net
#include <cctype>
#include <cstdlib>

#include "common.hpp"
#include "net/http.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = devenv::fuzz::as_text(data, size);
    devenv::HttpResponse r;
    std::string_view rest = text;
    while (!rest.empty()) {
        auto at = rest.find('\n');
        std::string_view line = at == std::string_view::npos ? rest : rest.substr(0, at + 1);
        devenv::read_header_line(r.headers, line);
        rest.remove_prefix(line.size());
    }
    for (const auto& [k, v] : r.headers) {
        if (k.find(':') != std::string::npos) std::abort();  // the name ends at the first colon
        if (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.front() == ' ')) std::abort();
    }
    for (std::string_view name : {"content-type", "x-amzn-ErrorType", "Location", "Retry-After"}) (void)r.header(name);
    std::string encoded = devenv::url_encode(text);
    for (char c : encoded)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '~' || c == '%'))
            std::abort();
    return 0;
}

// An AWS answer as the client reads it: status, headers, body (JSON protocol or XML). The
// input is "STATUS\nName: value\n...\n\nBODY". AwsResult::json() returns JSON or throws
// Error(seed); read_aws_error and describe take anything.
// fuzz-links: devenv_aws
#include <cstdlib>

#include "aws/client.hpp"
#include "common.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using devenv::fuzz::split_once;
    auto [head, body] = split_once(devenv::fuzz::as_text(data, size), "\n\n");
    auto [status_line, header_lines] = split_once(head, "\n");
    devenv::AwsResult r;
    r.status = 0;
    for (char c : status_line.substr(0, 3))
        if (c >= '0' && c <= '9') r.status = r.status * 10 + (c - '0');
    while (!header_lines.empty()) {
        auto [line, next] = split_once(header_lines, "\n");
        auto [name, value] = split_once(line, ":");
        r.headers.emplace_back(std::string(name), std::string(value));
        header_lines = next;
    }
    r.body = std::string(body);
    try {
        nlohmann::json j = r.json();
        (void)j.dump();
    } catch (const devenv::Error& e) {
        if (e.kind() != devenv::ErrorKind::seed) std::abort();
    }
    if (!r.ok()) devenv::read_aws_error(r);
    (void)r.describe();
    return 0;
}

#pragma once
// Readiness probes, run from the host. One attempt per call; the wait loop (probe/wait) decides
// when to call again. Failures are data (ProbeResult), not exceptions.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "profile/probe_spec.hpp"

namespace devenv {

class HttpClient;

    // any of these; empty = any 2xx
    std::string body_contains;        // substring of the body
    std::string json_pointer;         // RFC 6901 pointer into the JSON body ...
    std::string json_equals;          // ... whose value (as text) must equal this; empty = exists
    // postgres / redis
    std::string user;
    std::string password;
    std::string database;
    // aws
    std::vector<std::string> aws_services;  // dynamodb sqs ssm s3 cognito-idp events secretsmanager sts
    std::string region = "us-east-1";
    // log (regex on the container log) and exec (command in the container), docker (healthcheck)
    std::string pattern;
    std::vector<std::string> command;
    std::chrono::milliseconds timeout{60000};  // the per-service deadline of the wait
};

struct ProbeResult {
    bool ready = false;
    std::string detail;  // why not ("connection refused", "HTTP 503", "dynamodb: ...")
    std::chrono::microseconds latency{0};
};

// Keeps what one service's probe reuses between attempts (HTTP connections).
struct ProbeContext {
    ProbeContext();
    ~ProbeContext();
    std::unique_ptr<HttpClient> http;
};

ProbeResult probe_tcp(const ProbeSpec& spec);
ProbeResult probe_http(const ProbeSpec& spec, ProbeContext& ctx);
ProbeResult probe_postgres(const ProbeSpec& spec);
ProbeResult probe_redis(const ProbeSpec& spec);
ProbeResult probe_kafka(const ProbeSpec& spec);
ProbeResult probe_aws(const ProbeSpec& spec, ProbeContext& ctx);

}  // namespace devenv

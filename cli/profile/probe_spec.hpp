#pragma once
// What a service's readiness probe checks. Declared here (the model) and executed by probe/.
#include <chrono>
#include <string>
#include <vector>

namespace devenv {

struct ProbeSpec {
    std::string kind;                 // tcp http postgres redis aws kafka docker log exec none
    std::string host = "127.0.0.1";
    int port = 0;                     // host (published) port
    // http
    std::string scheme = "http";
    std::string path = "/";
    std::vector<int> status{200};     // any of these; empty = any 2xx
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
    // LocalStack init stage (boot start ready) whose hooks must have run (GET
    // /_localstack/init/STAGE) once the services answer; empty: none asked.
    std::string init_stage;
    // log (regex on the container log) and exec (command in the container), docker (healthcheck)
    std::string pattern;
    std::vector<std::string> command;
    std::chrono::milliseconds timeout{60000};  // the per-service deadline of the wait
};

}  // namespace devenv

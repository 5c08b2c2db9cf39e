#pragma once
// What the AWS seed kinds (seed/aws/KIND.cpp) share: the client configuration for a target
// (LocalStack, moto, MinIO), one AwsClient per worker of util/parallel.hpp's pool, reporting
// helpers, reading of the validated declaration's scalars, and the deletion half of a purge.
#include <atomic>
#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/client.hpp"
#include "seed/seed.hpp"
#include "util/parallel.hpp"

namespace devenv::aws_seed {

// Endpoint http://host:port and region of the service's endpoint, test/test; for a MinIO service its
// root user and password (and its region parameter).
AwsConfig config_for(const SeedTarget& target);

bool interrupted(const SeedTarget& target);

// util/parallel.hpp's pool over a target: at most max_workers threads, none taking more work
// once the target is interrupted; each worker with its own client:
//   parallel_for(n, pool_options(target), client_per_worker(target), [&](AwsClient& c, std::size_t i) {...});
ParallelOptions pool_options(const SeedTarget& target, std::size_t max_workers = 8);
struct ClientPerWorker {
    AwsConfig config;
    AwsClient operator()() const { return AwsClient(config); }
};
ClientPerWorker client_per_worker(const SeedTarget& target);

// Throws Error(seed) when the transport failed (nothing answered at the endpoint); a call that
// got any HTTP answer returns normally.
void require_reachable(const AwsResult& r, const AwsClient& client);

// "HTTP 400 ResourceInUseException: Table already exists (seed.aws.dynamodb.tables[0] at f:3:7)".
std::string failure_detail(const AwsResult& r, const Value* at = nullptr);

// A resource result for the declaration's service and kind.
void report(SeedSink& sink, const SeedJob& job, std::string resource, Outcome outcome, std::string detail = {});

// SQS_QUEUE_URL_ + "orders-dlq" -> SQS_QUEUE_URL_ORDERS_DLQ.
std::string env_name(std::string_view prefix, std::string_view name);

// Scalars of a validated spec: booleans may arrive as true/"true", integers as 5/"5".
bool flag(const Value* v, bool fallback = false);
long long integer(const Value* v, long long fallback = 0);
std::string text(const Value* v, std::string fallback = {});

// Hex MD5 (S3 ETags) and base64 MD5 (Content-MD5).
std::string md5_hex(std::string_view data);
std::string md5_base64(std::string_view data);

// Sleeps the backoff of attempt n (50 ms doubling, at most 2 s); false once interrupted.
bool backoff(const SeedTarget& target, int attempt);

// The ARN of a queue by name (a queue of the seed's sqs block, seeded in an earlier phase); ""
// with `error` set when the queue is missing or its attributes cannot be read.
std::string queue_arn(AwsClient& c, const std::string& name, std::string& error);

// The deletion of everything of one kind (a kind's `purge`, seed/kind.hpp): reports each
// resource as removed, and what could not be listed or deleted as failed.
class AwsPurge {
public:
    AwsPurge(const SeedTarget& target, const std::string& service, SeedSink& sink, std::string_view kind)
        : target_(target), service_(service), sink_(sink), kind_(kind) {}
    const SeedTarget& target() const { return target_; }
    void removed(std::string resource);
    void failed(std::string resource, const AwsResult& r);
    // Handles a listing's answer: false when it succeeded; true when it failed (reported unless
    // the emulator does not serve the API at all: then there is nothing to delete).
    bool list_failed(const AwsResult& r, const AwsClient& c);
    // Lists with `list` (false when the listing failed), then deletes in parallel.
    void each(const std::function<bool(AwsClient&, std::vector<std::string>&)>& list,
              const std::function<void(AwsClient&, const std::string&)>& del);
    // Nothing failed and the run was not interrupted.
    bool ok() const;

private:
    const SeedTarget& target_;
    const std::string& service_;
    SeedSink& sink_;
    std::string_view kind_;
    std::atomic<int> failures_{0};
};

}  // namespace devenv::aws_seed

namespace devenv::aws_seed {

// DynamoDB's typed JSON: numbers N, strings S, booleans BOOL, lists L, mappings M, null NULL.
nlohmann::json to_dynamo(const Value& v);
nlohmann::json to_dynamo(const nlohmann::json& j);
// An item (a mapping of attributes). A JSON item whose every attribute is already typed
// ({"pk": {"S": "x"}}, as `aws dynamodb scan` prints) is taken as it is.
nlohmann::json item_to_dynamo(const Value& item);
nlohmann::json item_to_dynamo(const nlohmann::json& item);
// A JSON array of items, or one JSON item per line, read as a stream: fn gets each item in
// order and the stream is never held whole (an items_file may hold 100,000 items). Throws
// Error(seed) naming the line (JSON lines) or the item (an array).
void for_each_item(std::istream& in, const std::string& shown_as, const std::function<void(nlohmann::json&&)>& fn);
// The same over a text in memory, all items at once.
std::vector<nlohmann::json> parse_items_text(const std::string& text, const std::string& shown_as);
// Equality of typed values as DynamoDB means it: numbers by value, sets in any order.
bool dynamo_equal(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace devenv::aws_seed

namespace devenv::aws_seed {

// A string member of a JSON object; "" when absent, null (moto sends "NextToken": null) or not
// a string.
std::string jstr(const nlohmann::json& j, std::string_view key);

}  // namespace devenv::aws_seed

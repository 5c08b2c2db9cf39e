// The items of a `dynamodb` table: inline `items`, then `items_file` (JSON lines or a JSON array),
// streamed window by window (kItemsWindow items) so memory stays flat in the file's size.
// In a window the last declaration of a key wins (one batch may not name a key twice); windows go
// in order, so a later window's item overwrites an earlier one's, as the declaration order says.
// For a table that existed, the window's keys are read back (BatchGetItem, 100 a call) and
// compared; what is missing or different is written (BatchWriteItem, 25 a call, UnprocessedItems
// retried with backoff). A window's calls run on a pool of workers, each keeping its client (and
// so its connection) from window to window.
#include "seed/aws/dynamodb_items.hpp"

#include <atomic>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "seed/aws/support.hpp"
#include "util/thread_group.hpp"

namespace devenv::aws_seed {

namespace {

using nlohmann::json;

constexpr std::string_view kService = "dynamodb";
constexpr std::size_t kWorkers = 8;
constexpr int kMaxRetries = 8;

json key_of(const json& item, const std::vector<std::string>& key_names) {
    json k = json::object();
    for (const auto& n : key_names)
        if (item.contains(n)) k[n] = item[n];
    return k;
}

// Thrown from the item callback to stop reading the file once the table's items have failed.
struct Stop {};
// The endpoint stopped answering (require_reachable): the whole seed of the service ends.
struct Fatal {
    Error error;
};

class ItemsRun {
public:
    ItemsRun(const SeedJob& job, const Value& t, bool fresh)
        : job_(job), at_(t), table_(text(t.find("name"))), fresh_(fresh) {
        key_names_.push_back(text(t.find("hash_key")));
        if (t.has("range_key")) key_names_.push_back(text(t.find("range_key")));
        for (std::size_t i = 0; i < kWorkers; ++i) clients_.emplace_back(config_for(job.target));
    }

    void add(json item) {
        ++read_;
        json k = key_of(item, key_names_);
        if (k.size() != key_names_.size()) {
            error_ = fmt::format("item {} has no value for key attribute(s) {}", read_, fmt::join(key_names_, ", "));
            throw Stop{};
        }
        std::string id = k.dump();
        if (auto it = where_.find(id); it != where_.end()) {
            window_[it->second] = std::move(item);
        } else {
            where_.emplace(std::move(id), window_.size());
            window_.push_back(std::move(item));
        }
        if (window_.size() >= kItemsWindow) flush();
    }

    // Writes (or compares and writes) the window; throws Stop when it failed.
    void flush() {
        if (window_.empty()) return;
        declared_ += window_.size();
        std::vector<const json*> to_write;
        try {
            if (fresh_) {
                for (const auto& i : window_) to_write.push_back(&i);
            } else {
                compare(to_write);
            }
            if (error_.empty()) write(to_write);
        } catch (const Error& e) {
            throw Fatal{e};
        }
        window_.clear();
        where_.clear();
        if (!error_.empty() || interrupted(job_.target)) throw Stop{};
    }

    void report_to(SeedSink& sink) const {
        std::string resource = fmt::format("items of {}: {}", table_, declared_);
        if (!error_.empty()) return report(sink, job_, resource, Outcome::failed, error_);
        if (interrupted(job_.target)) return;
        if (fresh_) return report(sink, job_, resource, Outcome::created, fmt::format("{} items written", written_));
        if (written_ == 0)
            return report(sink, job_, resource, Outcome::unchanged, fmt::format("{} items as declared", declared_));
        report(sink, job_, resource, Outcome::updated,
               fmt::format("{} of {} items written (missing or different)", written_, declared_));
    }

    void set_error(std::string e) { error_ = std::move(e); }

private:
    // fn(client, i) for i in [0, n) on the pool; the first failure is kept in error_.
    template <class Fn>
    void on_pool(std::size_t n, Fn fn) {
        std::atomic<std::size_t> next{0};
        auto work = [&](AwsClient& c) {
            for (;;) {
                if (interrupted(job_.target) || failed_.load()) return;
                std::size_t i = next.fetch_add(1);
                if (i >= n) return;
                std::string err = fn(c, i);
                if (!err.empty()) {
                    std::lock_guard<std::mutex> lock(mu_);
                    if (error_.empty()) error_ = std::move(err);
                    failed_ = true;
                }
            }
        };
        std::size_t workers = std::min(n, clients_.size());
        if (workers <= 1) return work(clients_[0]);
        ThreadGroup threads;
        for (std::size_t w = 0; w < workers; ++w) threads.spawn([&work, this, w] { work(clients_[w]); });
        threads.join();
    }

    void compare(std::vector<const json*>& to_write) {
        std::size_t calls = (window_.size() + 99) / 100;
        std::vector<std::vector<const json*>> differing(calls);
        on_pool(calls, [&](AwsClient& c, std::size_t call) -> std::string {
            std::size_t begin = call * 100, end = std::min(window_.size(), begin + 100);
            json keys = json::array();
            for (std::size_t i = begin; i < end; ++i) keys.push_back(key_of(window_[i], key_names_));
            std::vector<json> found;
            json pending = {{table_, {{"Keys", keys}, {"ConsistentRead", true}}}};
            for (int attempt = 0; !pending.empty(); ++attempt) {
                AwsResult r = c.call_json(kService, "BatchGetItem", {{"RequestItems", pending}});
                require_reachable(r, c);
                if (!r.ok()) return failure_detail(r, &at_);
                json body = r.json();
                for (auto& item : body["Responses"][table_]) found.push_back(std::move(item));
                pending = body.value("UnprocessedKeys", json::object());
                if (!pending.empty() && (attempt >= kMaxRetries || !backoff(job_.target, attempt)))
                    return "keys stayed unprocessed after retries";
            }
            std::unordered_map<std::string, const json*> by_key;
            for (const auto& item : found) by_key[key_of(item, key_names_).dump()] = &item;
            for (std::size_t i = begin; i < end; ++i) {
                json k = key_of(window_[i], key_names_);
                auto it = by_key.find(k.dump());
                // Keys come back as stored; numbers may be normalised, so fall back to comparing.
                const json* have = it != by_key.end() ? it->second : nullptr;
                if (!have)
                    for (const auto& item : found)
                        if (dynamo_equal(key_of(item, key_names_), k)) have = &item;
                if (!have || !dynamo_equal(*have, window_[i])) differing[call].push_back(&window_[i]);
            }
            return {};
        });
        for (auto& d : differing) to_write.insert(to_write.end(), d.begin(), d.end());
    }

    void write(const std::vector<const json*>& items) {
        std::size_t calls = (items.size() + 24) / 25;
        on_pool(calls, [&](AwsClient& c, std::size_t call) -> std::string {
            json requests = json::array();
            for (std::size_t i = call * 25; i < std::min(items.size(), call * 25 + 25); ++i)
                requests.push_back({{"PutRequest", {{"Item", *items[i]}}}});
            json pending = {{table_, std::move(requests)}};
            for (int attempt = 0; !pending.empty(); ++attempt) {
                AwsResult r = c.call_json(kService, "BatchWriteItem", {{"RequestItems", pending}});
                require_reachable(r, c);
                if (!r.ok()) return failure_detail(r, &at_);
                pending = r.json().value("UnprocessedItems", json::object());
                if (!pending.empty() && (attempt >= kMaxRetries || !backoff(job_.target, attempt)))
                    return fmt::format("{} items stayed unprocessed after {} retries", pending[table_].size(), attempt);
            }
            return {};
        });
        if (error_.empty()) written_ += items.size();
    }

    const SeedJob& job_;
    const Value& at_;
    std::string table_;
    bool fresh_;
    std::vector<std::string> key_names_;
    std::vector<AwsClient> clients_;
    std::vector<json> window_;
    std::unordered_map<std::string, std::size_t> where_;  // key -> index in window_
    std::size_t read_ = 0, declared_ = 0, written_ = 0;
    std::mutex mu_;
    std::atomic<bool> failed_{false};
    std::string error_;
};

}  // namespace

void seed_table_items(const SeedJob& job, SeedSink& sink, const Value& t, bool fresh) {
    const Value* inline_items = t.find("items");
    const Value* file = t.find("items_file");
    if (!inline_items && !file) return;
    ItemsRun run(job, t, fresh);
    try {
        if (inline_items)
            for (const auto& i : inline_items->items()) run.add(item_to_dynamo(i));
        if (file) {
            auto in = open_seed_file(*job.decl, file->text(), *file);
            for_each_item(*in, file->text(), [&](json&& j) { run.add(item_to_dynamo(j)); });
        }
        run.flush();
    } catch (const Stop&) {
    } catch (const Fatal& f) {
        throw f.error;
    } catch (const Error& e) {
        std::string where;
        if (e.where()) where = fmt::format("{}:{}:{}: ", e.where()->file, e.where()->line, e.where()->column);
        run.set_error(where + e.message());
    }
    run.report_to(sink);
}

}  // namespace devenv::aws_seed

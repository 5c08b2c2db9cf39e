// The `s3` seed kind (LocalStack, moto, MinIO; path-style): buckets, versioning, and objects
// inline or from a folder. An object whose ETag equals the MD5 of the declared bytes is left
// alone. Buckets are prepared concurrently, then every object to write across all of them.
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "aws/xml.hpp"
#include "seed/aws_seed_support.hpp"
#include "seed/seeders_aws.hpp"

namespace devenv {

namespace {

using namespace aws_seed;

std::string content_type(const std::string& key) {
    static const std::map<std::string, std::string> types{
        {"json", "application/json"}, {"txt", "text/plain; charset=utf-8"}, {"html", "text/html; charset=utf-8"},
        {"css", "text/css"}, {"js", "text/javascript"}, {"csv", "text/csv"}, {"xml", "application/xml"},
        {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"}, {"gif", "image/gif"},
        {"svg", "image/svg+xml"}, {"pdf", "application/pdf"}, {"md", "text/markdown"}, {"yaml", "application/yaml"},
        {"yml", "application/yaml"}};
    auto dot = key.rfind('.');
    if (dot != std::string::npos)
        if (auto it = types.find(key.substr(dot + 1)); it != types.end()) return it->second;
    return "application/octet-stream";
}

std::string strip_quotes(std::string etag) {
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
    return etag;
}

struct Bucket {
    const Value* decl = nullptr;
    std::string name;
    bool ready = false;                         // exists (or was created) and is usable
    std::map<std::string, std::string> objects; // key -> bytes, as declared
    std::map<std::string, std::string> etags;   // key -> ETag, as listed
    std::string objects_error;                  // the folder could not be read
    std::size_t created = 0, updated = 0;
    std::vector<std::string> failures;
};

std::string url_query_value(const std::string& v) { return url_encode(v); }

// Every key and ETag in the bucket (ListObjectsV2, 1000 a page).
std::string list_etags(AwsClient& c, Bucket& b) {
    std::string token;
    for (;;) {
        std::string q = token.empty() ? "list-type=2" : "continuation-token=" + url_query_value(token) + "&list-type=2";
        AwsResult r = c.s3("GET", b.name, {}, q);
        require_reachable(r, c);
        if (!r.ok()) return failure_detail(r, b.decl);
        auto keys = xml_values(r.body, "Key");
        auto etags = xml_values(r.body, "ETag");
        for (std::size_t i = 0; i < keys.size() && i < etags.size(); ++i) b.etags[keys[i]] = strip_quotes(etags[i]);
        if (xml_value(r.body, "IsTruncated") != "true") return {};
        token = xml_value(r.body, "NextContinuationToken");
        if (token.empty()) return {};
    }
}

void prepare_bucket(const SeedJob& job, SeedSink& sink, AwsClient& c, Bucket& b) {
    const Value& d = *b.decl;
    std::string resource = "bucket " + b.name;
    AwsResult head = c.s3("HEAD", b.name);
    require_reachable(head, c);
    Outcome outcome = Outcome::unchanged;
    std::vector<std::string> changed;
    if (head.status == 404) {
        std::string body;
        if (c.config().region != "us-east-1")
            body = fmt::format(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                c.config().region);
        AwsResult cr = c.s3("PUT", b.name, {}, {}, body);
        require_reachable(cr, c);
        if (!cr.ok() && cr.code != "BucketAlreadyOwnedByYou") {
            report(sink, job, resource, Outcome::failed, failure_detail(cr, &d));
            return;
        }
        outcome = Outcome::created;
    } else if (!head.ok()) {
        // HEAD answers carry no body: say what the status means.
        head.code = head.status == 403 ? "AccessDenied" : head.code;
        report(sink, job, resource, Outcome::failed, failure_detail(head, &d));
        return;
    }
    if (const Value* v = d.find("versioning")) {
        bool want = flag(v);
        AwsResult g = c.s3("GET", b.name, {}, "versioning");
        require_reachable(g, c);
        if (!g.ok()) {
            report(sink, job, resource, Outcome::failed, failure_detail(g, v));
            return;
        }
        std::string status = xml_value(g.body, "Status");
        bool on = status == "Enabled";
        // A bucket that never had versioning cannot be "Suspended" into it; leave it alone.
        if (on != want && (want || !status.empty())) {
            std::string body = fmt::format(
                "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<Status>{}</Status></VersioningConfiguration>",
                want ? "Enabled" : "Suspended");
            AwsResult p = c.s3("PUT", b.name, {}, "versioning", body, {{"Content-MD5", md5_base64(body)}});
            require_reachable(p, c);
            if (!p.ok()) {
                report(sink, job, resource, Outcome::failed, failure_detail(p, v));
                return;
            }
            if (outcome == Outcome::unchanged) {
                outcome = Outcome::updated;
                changed.push_back(fmt::format("versioning was {}", status.empty() ? "off" : status));
            }
        }
    }
    report(sink, job, resource, outcome, fmt::format("{}", fmt::join(changed, "; ")));
    b.ready = true;
    if (!b.objects.empty() && outcome != Outcome::created) b.objects_error = list_etags(c, b);
}

}  // namespace

void seed_s3(const SeedJob& job, SeedSink& sink) {
    const Value* list = job.decl->spec.find("buckets");
    if (!list) return;
    std::vector<Bucket> buckets(list->items().size());
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        Bucket& b = buckets[i];
        b.decl = &list->items()[i];
        b.name = text(b.decl->find("name"));
        try {
            if (const Value* from = b.decl->find("objects_from"))
                for (auto& [key, bytes] : read_seed_folder(*job.decl, from->text(), *from)) b.objects[key] = std::move(bytes);
        } catch (const Error& e) {
            b.objects_error = e.message();
        }
        if (const Value* objs = b.decl->find("objects"))
            for (const auto& e : objs->entries()) b.objects[e.key] = e.value.text();
    }
    for_each_parallel(job.target, buckets.size(),
                      [&](AwsClient& c, std::size_t i) { prepare_bucket(job, sink, c, buckets[i]); });

    struct Put {
        Bucket* bucket;
        const std::string* key;
        const std::string* bytes;
        bool replaces;
    };
    std::vector<Put> puts;
    for (auto& b : buckets) {
        if (!b.ready || !b.objects_error.empty()) continue;
        for (const auto& [key, bytes] : b.objects) {
            auto it = b.etags.find(key);
            if (it != b.etags.end() && it->second == md5_hex(bytes)) continue;
            puts.push_back({&b, &key, &bytes, it != b.etags.end()});
        }
    }
    std::mutex mu;
    for_each_parallel(job.target, puts.size(), [&](AwsClient& c, std::size_t i) {
        const Put& p = puts[i];
        AwsResult r = c.s3("PUT", p.bucket->name, *p.key, {}, *p.bytes, {{"Content-Type", content_type(*p.key)}});
        require_reachable(r, c);
        std::lock_guard<std::mutex> lock(mu);
        if (!r.ok()) p.bucket->failures.push_back(fmt::format("{}: {}", *p.key, r.describe()));
        else ++(p.replaces ? p.bucket->updated : p.bucket->created);
    });

    for (auto& b : buckets) {
        if (!b.objects_error.empty()) {
            report(sink, job, fmt::format("objects of {}", b.name), Outcome::failed, b.objects_error);
            continue;
        }
        if (!b.ready || b.objects.empty()) continue;
        std::string resource = fmt::format("objects of {}: {}", b.name, b.objects.size());
        if (!b.failures.empty()) {
            report(sink, job, resource, Outcome::failed,
                   fmt::format("{} of {} failed: {}", b.failures.size(), b.objects.size(), fmt::join(b.failures, "; ")));
        } else if (b.created + b.updated == 0) {
            report(sink, job, resource, Outcome::unchanged, "content as declared");
        } else if (b.updated == 0 && b.created == b.objects.size()) {
            report(sink, job, resource, Outcome::created, fmt::format("{} objects written", b.created));
        } else {
            report(sink, job, resource, Outcome::updated,
                   fmt::format("{} written, {} replaced (content differed)", b.created, b.updated));
        }
    }
}

}  // namespace devenv

// The `s3` seed kind (LocalStack, moto, MinIO; path-style): buckets, versioning, and objects
// inline or from a folder. An object whose ETag equals the MD5 of the declared bytes is left
// alone. Buckets are prepared concurrently, then every object to write across all of them.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "aws/xml.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "seed/aws/support.hpp"
#include "seed/kind.hpp"
#include "seed/check.hpp"

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

// One declared object: inline bytes (or a built-in profile's embedded file), or a file on disk
// that is hashed and uploaded as it is read, never loaded whole.
struct Object {
    std::string bytes;
    std::string file;
};

struct Digests {
    std::string md5_hex, md5_base64, sha256_hex;
    std::uint64_t size = 0;
};

// MD5 (the ETag S3 gives a single PUT, and Content-MD5) and SHA-256 (the signed payload hash) in
// one pass over the file, 256 KiB at a time.
Digests file_digests(const std::string& path) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
    if (!f) throw Error(ErrorKind::seed, fmt::format("cannot read seed file {}: {}", path, std::strerror(errno)));
    StreamingDigest md5_of(StreamingDigest::Algorithm::md5), sha256_of(StreamingDigest::Algorithm::sha256);
    Digests d;
    std::vector<char> buf(256 * 1024);
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), f.get())) {
        md5_of.update(std::string_view(buf.data(), n));
        sha256_of.update(std::string_view(buf.data(), n));
        d.size += n;
    }
    if (std::ferror(f.get()))
        throw Error(ErrorKind::seed, fmt::format("cannot read seed file {}: {}", path, std::strerror(errno)));
    std::string md5_raw = md5_of.finish();
    d.md5_hex = hex(md5_raw);
    d.md5_base64 = base64(md5_raw);
    d.sha256_hex = hex(sha256_of.finish());
    return d;
}

// A server that refuses devenv's signature or key refuses every call: one error that says so,
// instead of a failure per bucket and object.
void throw_if_credentials_refused(const AwsResult& r, const AwsClient& c, const Value& at) {
    if (r.code != "SignatureDoesNotMatch" && r.code != "InvalidAccessKeyId" && r.code != "InvalidClientTokenId")
        return;
    // The seed orchestrator shows a thrown error's message only: the advice goes into it.
    std::string advice = r.code == "SignatureDoesNotMatch"
                             ? "the secret key devenv signs with (the service's root_password or credentials) is not "
                               "the one the server runs with"
                             : "the server does not know this access key (the service's root_user or credentials)";
    throw Error(ErrorKind::seed, fmt::format("{} refused devenv's credentials (access key {}): {}; {}", c.config().endpoint,
                                             c.config().credentials.access_key_id, failure_detail(r, &at), advice));
}

struct Bucket {
    const Value* decl = nullptr;
    std::string name;
    bool ready = false;                         // exists (or was created) and is usable
    std::map<std::string, Object> objects;      // key -> what to write, as declared
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
        XmlDocument doc(r.body);
        for (const XmlElement& o : doc.root().children("Contents"))
            b.etags[o.child_text("Key")] = strip_quotes(o.child_text("ETag"));
        if (doc.root().child_text("IsTruncated") != "true") return {};
        token = doc.root().child_text("NextContinuationToken");
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
        // HEAD answers carry no body; the same request as a GET names the error
        // (SignatureDoesNotMatch, InvalidAccessKeyId, AccessDenied, ...).
        AwsResult why = c.s3("GET", b.name, {}, "location");
        require_reachable(why, c);
        if (why.ok() || why.code.empty()) {
            why = head;
            why.code = head.status == 403 ? "AccessDenied" : head.code;
        }
        throw_if_credentials_refused(why, c, d);
        report(sink, job, resource, Outcome::failed, failure_detail(why, &d));
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
                for (auto& e : list_seed_folder(*job.decl, from->text(), *from))
                    b.objects[e.key] = e.path.empty() ? Object{std::string(e.embedded), {}} : Object{{}, std::move(e.path)};
        } catch (const Error& e) {
            b.objects_error = e.message();
        }
        if (const Value* objs = b.decl->find("objects"))
            for (const auto& e : objs->entries()) b.objects[e.key] = Object{e.value.text(), {}};
    }
    parallel_for(buckets.size(), pool_options(job.target), client_per_worker(job.target),
                 [&](AwsClient& c, std::size_t i) { prepare_bucket(job, sink, c, buckets[i]); });

    struct Put {
        Bucket* bucket;
        const std::string* key;
        const Object* object;
    };
    std::vector<Put> puts;
    for (auto& b : buckets) {
        if (!b.ready || !b.objects_error.empty()) continue;
        for (const auto& [key, object] : b.objects) puts.push_back({&b, &key, &object});
    }
    std::mutex mu;
    auto workers = pool_options(job.target);
    parallel_for(puts.size(), workers, client_per_worker(job.target), [&](AwsClient& c, std::size_t i) {
        const Put& p = puts[i];
        auto listed = p.bucket->etags.find(*p.key);
        bool exists = listed != p.bucket->etags.end();
        std::string why;
        AwsResult r;
        Headers headers{{"Content-Type", content_type(*p.key)}};
        if (p.object->file.empty()) {
            const std::string& bytes = p.object->bytes;
            if (exists && listed->second == md5_hex(bytes)) return;
            headers.emplace_back("Content-MD5", md5_base64(bytes));
            r = c.s3("PUT", p.bucket->name, *p.key, {}, bytes, std::move(headers));
            require_reachable(r, c);
        } else {
            Digests d;
            try {
                d = file_digests(p.object->file);
            } catch (const Error& e) {
                why = e.message();  // this object fails; the others go on
            }
            if (why.empty()) {
                if (exists && listed->second == d.md5_hex) return;
                headers.emplace_back("Content-MD5", d.md5_base64);
                r = c.s3_put_file(p.bucket->name, *p.key, FileBody{p.object->file, d.sha256_hex, d.size},
                                  std::move(headers));
                require_reachable(r, c);
            }
        }
        std::lock_guard<std::mutex> lock(mu);
        if (!why.empty()) p.bucket->failures.push_back(fmt::format("{}: {}", *p.key, why));
        else if (!r.ok()) p.bucket->failures.push_back(fmt::format("{}: {}", *p.key, r.describe()));
        else ++(exists ? p.bucket->updated : p.bucket->created);
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

// ---- declaration --------------------------------------------------------------------------

SchemaPtr s3_schema() {
    using namespace schema;
    return object({opt("buckets", named_list({opt("objects_from", string()), opt("objects", map(string())),
                                              opt("versioning", boolean())}))});
}

// ---- purge (LocalStack's and MinIO's reset) -----------------------------------------------

std::string xml_escape(const std::string& s) {
    std::string out;
    for (char ch : s) {
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += ch;
        }
    }
    return out;
}

// Every version and delete marker (a versioned bucket cannot be deleted otherwise), 1000 a call.
bool empty_bucket(AwsPurge& p, AwsClient& c, const std::string& bucket) {
    for (int round = 0; round < 10000; ++round) {
        AwsResult l = c.s3("GET", bucket, {}, "max-keys=1000&versions");
        require_reachable(l, c);
        if (!l.ok()) {
            p.failed("bucket " + bucket, l);
            return false;
        }
        // <ListVersionsResult>: a <Version> or <DeleteMarker> per key and version.
        std::vector<XmlElement> entries;
        XmlDocument listed(l.body);
        for (const XmlElement& e : listed.root().children())
            if (e.name() == "Version" || e.name() == "DeleteMarker") entries.push_back(e);
        if (entries.empty()) return true;
        std::string body = "<Delete><Quiet>true</Quiet>";
        for (const XmlElement& e : entries) {
            body += "<Object><Key>" + xml_escape(e.child_text("Key")) + "</Key>";
            std::string version = e.child_text("VersionId");
            if (version != "null" && !version.empty()) body += "<VersionId>" + xml_escape(version) + "</VersionId>";
            body += "</Object>";
        }
        body += "</Delete>";
        AwsResult d = c.s3("POST", bucket, {}, "delete", body, {{"Content-MD5", md5_base64(body)},
                                                                 {"Content-Type", "application/xml"}});
        require_reachable(d, c);
        if (!d.ok()) {
            p.failed("objects of " + bucket, d);
            return false;
        }
        // <DeleteResult>: an <Error> (Key, Code, Message) per object it could not delete.
        XmlDocument result(d.body);
        if (XmlElement error = result.root().child("Error")) {
            AwsResult e = d;
            e.status = 400;
            e.code = error.child_text("Code");
            e.message = error.child_text("Message");
            p.failed("objects of " + bucket, e);
            return false;
        }
    }
    return false;
}

bool purge_s3(const SeedTarget& target, const std::string& service, SeedSink& sink) {
    AwsPurge p(target, service, sink, "s3");
    p.each(
        [&](AwsClient& c, std::vector<std::string>& names) {
            AwsResult r = c.s3("GET", "");
            if (p.list_failed(r, c)) return false;
            // <ListAllMyBucketsResult><Buckets><Bucket><Name>
            XmlDocument listed(r.body);
            for (const XmlElement& b : listed.root().child("Buckets").children("Bucket"))
                names.push_back(b.child_text("Name"));
            return true;
        },
        [&](AwsClient& c, const std::string& bucket) {
            if (!empty_bucket(p, c, bucket)) return;
            AwsResult r = c.s3("DELETE", bucket);
            require_reachable(r, c);
            if (!r.ok()) return p.failed("bucket " + bucket, r);
            p.removed("bucket " + bucket);
        });
    return p.ok();
}

}  // namespace

extern const SeedKind s3_kind;
const SeedKind s3_kind{
    .name = "s3",
    .family = "aws",
    .summary = "buckets with versioning and objects (inline or a folder)",
    .phase = 0,
    .aws_service = "s3",
    .schema = s3_schema,
    .check = nullptr,
    .seed = seed_s3,
    .purge = purge_s3,
};

}  // namespace devenv

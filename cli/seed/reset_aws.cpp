// Soft resets of the AWS emulators. moto drops all state with one call. LocalStack community
// 4.x has no state-reset endpoint (POST /_localstack/state/reset is served by a Pro plugin,
// localstack.pro.core.persistence.reset), so everything of every seedable kind is deleted,
// declared or not (what the application added goes too), and the seed is applied again.
#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>

#include <fmt/format.h>

#include "aws/xml.hpp"
#include "seed/aws_seed_support.hpp"
#include "seed/seeders_aws.hpp"

namespace devenv {

namespace {

using nlohmann::json;
using namespace aws_seed;

struct Deleter {
    const SeedTarget& target;
    const std::string& service;
    SeedSink& sink;
    std::atomic<int> failures{0};

    void removed(std::string_view kind, std::string resource) {
        sink.add({service, std::string(kind), std::move(resource), Outcome::removed, "reset"});
    }
    void failed(std::string_view kind, std::string resource, const AwsResult& r) {
        ++failures;
        sink.add({service, std::string(kind), std::move(resource), Outcome::failed, "reset: " + r.describe()});
    }
    // A listing that fails because the emulator does not serve the API (LocalStack community has
    // no Cognito; SERVICES may leave some out) means there is nothing of that kind to delete.
    bool absent_api(const AwsResult& r) {
        return r.status == 501 || r.status == 404 || r.code == "InternalFailure" || r.code == "NotImplemented" ||
               r.code == "UnknownOperationException" || r.code == "ServiceUnavailable";
    }
    // Lists with `list` (which returns false when the listing failed), then deletes in parallel.
    void each(const std::function<bool(AwsClient&, std::vector<std::string>&)>& list,
              const std::function<void(AwsClient&, const std::string&)>& del) {
        AwsClient c(config_for(target));
        std::vector<std::string> names;
        if (!list(c, names)) return;
        parallel_for(names.size(), pool_options(target, 4), client_per_worker(target),
                     [&](AwsClient& cl, std::size_t i) { del(cl, names[i]); });
    }
    bool list_failed(std::string_view kind, const AwsResult& r, const AwsClient& c) {
        require_reachable(r, c);
        if (r.ok()) return false;
        if (!absent_api(r)) failed(kind, fmt::format("list of {}", kind), r);
        return true;
    }

    void dynamodb() {
        each(
             [&](AwsClient& c, std::vector<std::string>& names) {
                 std::string start;
                 do {
                     json in = json::object();
                     if (!start.empty()) in["ExclusiveStartTableName"] = start;
                     AwsResult r = c.call_json("dynamodb", "ListTables", in);
                     if (list_failed("dynamodb", r, c)) return false;
                     json body = r.json();
                     for (const auto& n : body.value("TableNames", json::array())) names.push_back(n);
                     start = jstr(body, "LastEvaluatedTableName");
                 } while (!start.empty());
                 return true;
             },
             [&](AwsClient& c, const std::string& name) {
                 AwsResult r = c.call_json("dynamodb", "DeleteTable", {{"TableName", name}});
                 require_reachable(r, c);
                 if (!r.ok() && r.code != "ResourceNotFoundException") return failed("dynamodb", "table " + name, r);
                 // Deletion is asynchronous: the seed may only create it again once it is gone.
                 for (int attempt = 0; attempt < 200; ++attempt) {
                     AwsResult d = c.call_json("dynamodb", "DescribeTable", {{"TableName", name}});
                     require_reachable(d, c);
                     if (d.code == "ResourceNotFoundException") return removed("dynamodb", "table " + name);
                     if (!backoff(target, std::min(attempt, 2))) return;
                 }
                 AwsResult timeout;
                 timeout.status = 408;
                 timeout.message = "the table was still being deleted after 30 s";
                 failed("dynamodb", "table " + name, timeout);
             });
    }

    void sqs() {
        each(
             [&](AwsClient& c, std::vector<std::string>& urls) {
                 std::string token;
                 do {
                     json in = {{"MaxResults", 1000}};
                     if (!token.empty()) in["NextToken"] = token;
                     AwsResult r = c.call_json("sqs", "ListQueues", in);
                     if (list_failed("sqs", r, c)) return false;
                     json body = r.json();
                     for (const auto& u : body.value("QueueUrls", json::array())) urls.push_back(u);
                     token = jstr(body, "NextToken");
                 } while (!token.empty());
                 return true;
             },
             [&](AwsClient& c, const std::string& url) {
                 std::string name = url.substr(url.rfind('/') + 1);
                 AwsResult r = c.call_json("sqs", "DeleteQueue", {{"QueueUrl", url}});
                 require_reachable(r, c);
                 if (!r.ok()) return failed("sqs", "queue " + name, r);
                 removed("sqs", "queue " + name);
             });
    }

    void ssm() {
        AwsClient c(config_for(target));
        std::vector<std::string> names;
        std::string token;
        do {
            json in = {{"MaxResults", 50}};
            if (!token.empty()) in["NextToken"] = token;
            AwsResult r = c.call_json("ssm", "DescribeParameters", in);
            if (list_failed("ssm", r, c)) return;
            json body = r.json();
            for (const auto& p : body.value("Parameters", json::array())) names.push_back(jstr(p, "Name"));
            token = jstr(body, "NextToken");
        } while (!token.empty());
        std::size_t batches = (names.size() + 9) / 10;
        parallel_for(batches, pool_options(target, 4), client_per_worker(target), [&](AwsClient& cl, std::size_t b) {
            json batch = json::array();
            for (std::size_t i = b * 10; i < std::min(names.size(), b * 10 + 10); ++i) batch.push_back(names[i]);
            AwsResult r = cl.call_json("ssm", "DeleteParameters", {{"Names", batch}});
            require_reachable(r, cl);
            if (!r.ok()) return failed("ssm", fmt::format("{} parameters", batch.size()), r);
            for (const auto& n : batch) removed("ssm", "parameter " + n.get<std::string>());
        });
    }

    static std::string xml_escape(const std::string& s) {
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
    bool empty_bucket(AwsClient& c, const std::string& bucket) {
        for (int round = 0; round < 10000; ++round) {
            AwsResult l = c.s3("GET", bucket, {}, "max-keys=1000&versions");
            require_reachable(l, c);
            if (!l.ok()) {
                failed("s3", "bucket " + bucket, l);
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
                failed("s3", "objects of " + bucket, d);
                return false;
            }
            // <DeleteResult>: an <Error> (Key, Code, Message) per object it could not delete.
            XmlDocument result(d.body);
            if (XmlElement error = result.root().child("Error")) {
                AwsResult e = d;
                e.status = 400;
                e.code = error.child_text("Code");
                e.message = error.child_text("Message");
                failed("s3", "objects of " + bucket, e);
                return false;
            }
        }
        return false;
    }

    void s3() {
        each(
             [&](AwsClient& c, std::vector<std::string>& names) {
                 AwsResult r = c.s3("GET", "");
                 if (list_failed("s3", r, c)) return false;
                 // <ListAllMyBucketsResult><Buckets><Bucket><Name>
                 XmlDocument listed(r.body);
                 for (const XmlElement& b : listed.root().child("Buckets").children("Bucket"))
                     names.push_back(b.child_text("Name"));
                 return true;
             },
             [&](AwsClient& c, const std::string& bucket) {
                 if (!empty_bucket(c, bucket)) return;
                 AwsResult r = c.s3("DELETE", bucket);
                 require_reachable(r, c);
                 if (!r.ok()) return failed("s3", "bucket " + bucket, r);
                 removed("s3", "bucket " + bucket);
             });
    }

    void secretsmanager() {
        each(
             [&](AwsClient& c, std::vector<std::string>& names) {
                 std::string token;
                 do {
                     json in = {{"MaxResults", 100}, {"IncludePlannedDeletion", true}};
                     if (!token.empty()) in["NextToken"] = token;
                     AwsResult r = c.call_json("secretsmanager", "ListSecrets", in);
                     if (list_failed("secretsmanager", r, c)) return false;
                     json body = r.json();
                     for (const auto& s : body.value("SecretList", json::array())) names.push_back(jstr(s, "Name"));
                     token = jstr(body, "NextToken");
                 } while (!token.empty());
                 return true;
             },
             [&](AwsClient& c, const std::string& name) {
                 AwsResult r = c.call_json("secretsmanager", "DeleteSecret",
                                           {{"SecretId", name}, {"ForceDeleteWithoutRecovery", true}});
                 require_reachable(r, c);
                 if (!r.ok() && r.code != "ResourceNotFoundException") return failed("secretsmanager", "secret " + name, r);
                 removed("secretsmanager", "secret " + name);
             });
    }

    // Targets, then rules, then the bus (the default bus stays; only its rules go).
    void eventbridge() {
        each(
             [&](AwsClient& c, std::vector<std::string>& buses) {
                 AwsResult r = c.call_json("events", "ListEventBuses", json::object());
                 if (list_failed("eventbridge", r, c)) return false;
                 for (const auto& b : r.json().value("EventBuses", json::array())) buses.push_back(jstr(b, "Name"));
                 return true;
             },
             [&](AwsClient& c, const std::string& bus) {
                 std::vector<std::string> rules;
                 std::string token;
                 do {
                     json in = {{"EventBusName", bus}};
                     if (!token.empty()) in["NextToken"] = token;
                     AwsResult r = c.call_json("events", "ListRules", in);
                     require_reachable(r, c);
                     if (!r.ok()) return failed("eventbridge", "rules of " + bus, r);
                     json body = r.json();
                     for (const auto& x : body.value("Rules", json::array())) rules.push_back(jstr(x, "Name"));
                     token = jstr(body, "NextToken");
                 } while (!token.empty());
                 for (const auto& rule : rules) {
                     json key = {{"Rule", rule}, {"EventBusName", bus}};
                     AwsResult t = c.call_json("events", "ListTargetsByRule", key);
                     require_reachable(t, c);
                     json ids = json::array();
                     if (t.ok())
                         for (const auto& x : t.json().value("Targets", json::array())) ids.push_back(jstr(x, "Id"));
                     if (!ids.empty()) {
                         json in = key;
                         in["Ids"] = ids;
                         AwsResult rt = c.call_json("events", "RemoveTargets", in);
                         require_reachable(rt, c);
                         if (!rt.ok()) return failed("eventbridge", fmt::format("targets of rule {}/{}", bus, rule), rt);
                     }
                     AwsResult d = c.call_json("events", "DeleteRule", {{"Name", rule}, {"EventBusName", bus}});
                     require_reachable(d, c);
                     if (!d.ok()) return failed("eventbridge", fmt::format("rule {}/{}", bus, rule), d);
                     removed("eventbridge", fmt::format("rule {}/{}", bus, rule));
                 }
                 if (bus == "default") return;
                 AwsResult d = c.call_json("events", "DeleteEventBus", {{"Name", bus}});
                 require_reachable(d, c);
                 if (!d.ok()) return failed("eventbridge", "event bus " + bus, d);
                 removed("eventbridge", "event bus " + bus);
             });
    }

    void cognito() {
        each(
             [&](AwsClient& c, std::vector<std::string>& ids) {
                 std::string token;
                 do {
                     json in = {{"MaxResults", 60}};
                     if (!token.empty()) in["NextToken"] = token;
                     AwsResult r = c.call_json("cognito-idp", "ListUserPools", in);
                     if (list_failed("cognito", r, c)) return false;
                     json body = r.json();
                     for (const auto& p : body.value("UserPools", json::array()))
                         ids.push_back(jstr(p, "Id") + "\t" + jstr(p, "Name"));
                     token = jstr(body, "NextToken");
                 } while (!token.empty());
                 return true;
             },
             [&](AwsClient& c, const std::string& id_name) {
                 std::string id = id_name.substr(0, id_name.find('\t'));
                 std::string name = "user pool " + id_name.substr(id_name.find('\t') + 1);
                 AwsResult r = c.call_json("cognito-idp", "DeleteUserPool", {{"UserPoolId", id}});
                 require_reachable(r, c);
                 if (!r.ok() && r.code != "ResourceNotFoundException") return failed("cognito", name, r);
                 removed("cognito", name);
             });
    }
};

}  // namespace

bool delete_all_aws_resources(const SeedTarget& target, const std::string& service, SeedSink& sink) {
    Deleter d{target, service, sink};
    struct Kind {
        std::string_view aws;  // the AWS service it lives in
        std::function<void()> remove;
    };
    const Kind all[] = {{"dynamodb", [&] { d.dynamodb(); }},
                        {"sqs", [&] { d.sqs(); }},
                        {"ssm", [&] { d.ssm(); }},
                        {"s3", [&] { d.s3(); }},
                        {"secretsmanager", [&] { d.secretsmanager(); }},
                        {"events", [&] { d.eventbridge(); }},
                        {"cognito-idp", [&] { d.cognito(); }}};
    // A service the emulator does not serve (LocalStack's SERVICES) holds nothing: not asked.
    const auto& serves = target.service->serves;
    std::vector<const Kind*> kinds;
    for (const auto& k : all)
        if (serves.empty() || std::find(serves.begin(), serves.end(), k.aws) != serves.end()) kinds.push_back(&k);
    parallel_for(kinds.size(), pool_options(target, kinds.size()), [&](std::size_t i) { kinds[i]->remove(); });
    return d.failures == 0 && !interrupted(target);
}

void reset_localstack(const ServiceSeedJob& job, SeedSink& sink) {
    const std::string& service = job.target.service->name;
    // Seeding on top of what could not be deleted would not give the seeded state.
    if (!delete_all_aws_resources(job.target, service, sink)) return;
    apply_service_seed(job, sink);
}

// MinIO holds only S3: every bucket goes (all versions first), then the seed is applied again.
void reset_minio(const ServiceSeedJob& job, SeedSink& sink) {
    Deleter d{job.target, job.target.service->name, sink};
    d.s3();
    if (d.failures != 0 || interrupted(job.target)) return;
    apply_service_seed(job, sink);
}

void reset_moto(const ServiceSeedJob& job, SeedSink& sink) {
    const std::string& service = job.target.service->name;
    AwsClient c(config_for(job.target));
    AwsResult r = c.call_rest("sts", "POST", "/moto-api/reset");
    require_reachable(r, c);
    if (!r.ok()) {
        sink.add({service, "moto", "all resources", Outcome::failed, "POST /moto-api/reset: " + r.describe()});
        return;
    }
    sink.add({service, "moto", "all resources", Outcome::removed, "POST /moto-api/reset"});
    apply_service_seed(job, sink);
}

}  // namespace devenv

// The `schema_registry` seed kind (Confluent Schema Registry REST API): each subject's schema
// from the profile or a file, compared with its latest version (as JSON for AVRO and JSON
// schemas, so spacing does not count), registered as a new version when missing or different.
// Subjects are handled concurrently.
#include <fmt/format.h>

#include "seed/data_support.hpp"
#include "seed/kind.hpp"
#include "util/strings.hpp"

namespace devenv {

namespace {

constexpr const char* kContentType = "application/vnd.schemaregistry.v1+json";

struct SubjectDecl {
    std::string subject;
    std::string type;  // AVRO JSON PROTOBUF
    std::string schema;
};

std::string subject_url(const SeedJob& job, const std::string& subject, const std::string& tail = {}) {
    return base_url(job.target.service->endpoint) + "/subjects/" + url_encode(subject) + tail;
}

bool same_schema(const std::string& type, const std::string& a, const std::string& b) {
    if (type != "PROTOBUF") {
        auto ja = nlohmann::json::parse(a, nullptr, false);
        auto jb = nlohmann::json::parse(b, nullptr, false);
        if (!ja.is_discarded() && !jb.is_discarded()) return ja == jb;
    }
    return trim(a) == trim(b);
}

void seed_subject(const SeedJob& job, SeedSink& sink, const SubjectDecl& s) {
    HttpClient http;
    std::string resource = "subject " + s.subject;
    auto latest = http_call(http, "GET", subject_url(job, s.subject, "/versions/latest"));
    std::string detail;
    Outcome outcome = Outcome::created;
    if (latest.status == 200) {
        auto j = nlohmann::json::parse(latest.body, nullptr, false);
        std::string have_type = j.is_object() ? j.value("schemaType", std::string("AVRO")) : "?";
        std::string have = j.is_object() ? j.value("schema", std::string()) : "";
        int version = j.is_object() ? j.value("version", 0) : 0;
        if (have_type == s.type && same_schema(s.type, have, s.schema))
            return report(sink, job, resource, Outcome::unchanged, fmt::format("version {}", version));
        outcome = Outcome::drift;
        detail = have_type != s.type ? fmt::format("latest version {} is {}", version, have_type)
                                     : fmt::format("latest version {} differed", version);
    } else if (latest.status != 404) {
        return report(sink, job, resource, Outcome::failed, "reading its latest version: " + http_failure(latest));
    }
    nlohmann::json body = {{"schema", s.schema}};
    if (s.type != "AVRO") body["schemaType"] = s.type;
    auto r = http_call(http, "POST", subject_url(job, s.subject, "/versions"), body.dump(), {}, kContentType);
    if (r.status != 200) return report(sink, job, resource, Outcome::failed, http_failure(r));
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    std::string id = j.is_object() && j.contains("id") ? fmt::format("id {}", j["id"].dump()) : "";
    report(sink, job, resource, outcome, detail.empty() ? id : fmt::format("{}; registered ({})", detail, id));
}

void seed_schema_registry(const SeedJob& job, SeedSink& sink) {
    std::vector<SubjectDecl> subjects;
    if (const Value* list = job.decl->spec.find("subjects"))
        for (const auto& s : list->items()) {
            SubjectDecl d;
            d.subject = s.find("subject")->text();
            d.type = s.has("type") ? s.find("type")->text() : "AVRO";
            if (const Value* file = s.find("file")) {
                auto text = read_file_or_report(job, sink, "subject " + d.subject, file->text(), *file);
                if (!text) continue;
                d.schema = *text;
            } else if (const Value* schema = s.find("schema")) {
                d.schema = schema->is_scalar() ? schema->text() : schema->to_json().dump();
            } else {
                report(sink, job, "subject " + d.subject, Outcome::failed, "declares neither schema nor file");
                continue;
            }
            subjects.push_back(std::move(d));
        }
    parallel_for(subjects.size(), ParallelOptions{}, [&](std::size_t i) {
        if (!interrupted(job.target)) seed_subject(job, sink, subjects[i]);
    });
}

void unseed_schema_registry(const SeedJob& job, SeedSink& sink) {
    HttpClient http;
    if (const Value* list = job.decl->spec.find("subjects"))
        for (const auto& s : list->items()) {
            std::string subject = s.find("subject")->text();
            // A permanent delete must follow a soft one.
            auto soft = http_call(http, "DELETE", subject_url(job, subject));
            if (soft.status == 404) continue;
            auto hard = http_call(http, "DELETE", subject_url(job, subject, "?permanent=true"));
            if (soft.status == 200 && hard.status == 200)
                report(sink, job, "subject " + subject, Outcome::removed, "deleted (permanently) to re-register");
            else
                report(sink, job, "subject " + subject, Outcome::failed,
                       "deleting: " + http_failure(soft.status == 200 ? hard : soft));
        }
}

SchemaPtr schema_registry_schema() {
    using namespace schema;
    auto subject = object({req("subject", string()), opt("type", choice({"AVRO", "JSON", "PROTOBUF"})),
                           opt("schema", any()), opt("file", string())});
    return object({opt("subjects", list(subject))});
}

}  // namespace

extern const SeedKind schema_registry_kind;
const SeedKind schema_registry_kind{
    .name = "schema_registry",
    .family = "kafka",
    .summary = "subjects with AVRO, JSON or PROTOBUF schemas (inline or a file)",
    .schema = schema_registry_schema,
    .seed = seed_schema_registry,
    .reset_template = "schema-registry",
    .unseed = unseed_schema_registry,
};

}  // namespace devenv

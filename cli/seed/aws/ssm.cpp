// The `ssm` seed kind: String, StringList and SecureString parameters from the declaration and
// from YAML files of the same shape. Existing values are read ten at a time (GetParameters);
// missing or different ones are written concurrently (PutParameter, Overwrite on drift).
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "seed/aws/support.hpp"
#include "seed/kind.hpp"
#include "seed/check.hpp"
#include "yaml/yaml.hpp"

namespace devenv {

namespace {

using nlohmann::json;
using namespace aws_seed;

constexpr std::string_view kService = "ssm";

struct Param {
    std::string name;
    std::string type = "String";
    std::string value;
    std::string description;
    const Value* at = nullptr;
};

std::string value_text(const Value& v) {
    if (!v.is_sequence()) return v.text();
    std::vector<std::string> parts;
    for (const auto& i : v.items()) parts.push_back(i.text());
    return fmt::format("{}", fmt::join(parts, ","));
}

// Throws Error(seed) at the node when a file's entry has the wrong shape.
Param make_param(const std::string& name, const Value& v) {
    Param p;
    p.name = name;
    p.at = &v;
    if (v.is_mapping()) {
        const Value* val = v.find("value");
        if (!val) throw Error(ErrorKind::seed, fmt::format("parameter {} has no value", name), v.mark().location());
        p.value = value_text(*val);
        p.type = text(v.find("type"), val->is_sequence() ? "StringList" : "String");
        p.description = text(v.find("description"));
    } else if (v.is_sequence()) {
        p.value = value_text(v);
        p.type = "StringList";
    } else {
        p.value = v.text();
    }
    if (p.type != "String" && p.type != "StringList" && p.type != "SecureString")
        throw Error(ErrorKind::seed, fmt::format("parameter {}: type must be String, StringList or SecureString", name),
                    v.mark().location());
    return p;
}

void seed_ssm_impl(const SeedJob& job, SeedSink& sink) {
    const Value& spec = job.decl->spec;
    std::vector<Param> params;
    std::vector<Value> files;  // keeps the parsed files alive while `params` point into them
    if (const Value* p = spec.find("parameters"))
        for (const auto& e : p->entries()) params.push_back(make_param(e.key, e.value));
    if (const Value* fl = spec.find("files")) {
        files.reserve(fl->items().size());
        for (const auto& f : fl->items()) {
            try {
                std::string body = read_seed_file(*job.decl, f.text(), f);
                files.push_back(parse_yaml(body, f.text()));
            } catch (const Error& e) {
                report(sink, job, "parameters of " + f.text(), Outcome::failed, e.message());
                files.emplace_back();
                continue;
            }
            const Value& doc = files.back();
            const Value* map = doc.find("parameters") ? doc.find("parameters") : &doc;
            if (!map->is_mapping()) {
                report(sink, job, "parameters of " + f.text(), Outcome::failed,
                       "expected a mapping of parameter names to values");
                continue;
            }
            for (const auto& e : map->entries()) {
                try {
                    params.push_back(make_param(e.key, e.value));
                } catch (const Error& err) {
                    report(sink, job, "parameter " + e.key, Outcome::failed, err.message());
                }
            }
        }
    }
    if (params.empty()) return;

    // Read what exists, ten names per call.
    std::map<std::string, json> existing;
    std::vector<std::string> read_failed(params.size());
    std::mutex mu;
    std::size_t batches = (params.size() + 9) / 10;
    parallel_for(batches, pool_options(job.target), client_per_worker(job.target), [&](AwsClient& c, std::size_t b) {
        json names = json::array();
        for (std::size_t i = b * 10; i < std::min(params.size(), b * 10 + 10); ++i) names.push_back(params[i].name);
        AwsResult r = c.call_json(kService, "GetParameters", {{"Names", names}, {"WithDecryption", true}});
        require_reachable(r, c);
        std::lock_guard<std::mutex> lock(mu);
        if (!r.ok()) {
            for (std::size_t i = b * 10; i < std::min(params.size(), b * 10 + 10); ++i)
                read_failed[i] = failure_detail(r, params[i].at);
            return;
        }
        for (const auto& p : r.json().value("Parameters", json::array())) existing[jstr(p, "Name")] = p;
    });

    auto workers = pool_options(job.target);
    parallel_for(params.size(), workers, client_per_worker(job.target), [&](AwsClient& c, std::size_t i) {
        const Param& p = params[i];
        std::string resource = "parameter " + p.name;
        if (!read_failed[i].empty()) {
            report(sink, job, resource, Outcome::failed, read_failed[i]);
            return;
        }
        auto it = existing.find(p.name);
        std::string why;
        if (it != existing.end()) {
            std::string type = jstr(it->second, "Type");
            std::string value = jstr(it->second, "Value");
            if (type == p.type && value == p.value) {
                report(sink, job, resource, Outcome::unchanged);
                return;
            }
            why = type != p.type ? fmt::format("type was {}", type) : "value differed";
        }
        json in = {{"Name", p.name}, {"Value", p.value}, {"Type", p.type}, {"Overwrite", it != existing.end()}};
        if (!p.description.empty()) in["Description"] = p.description;
        AwsResult r = c.call_json(kService, "PutParameter", in);
        require_reachable(r, c);
        if (!r.ok()) report(sink, job, resource, Outcome::failed, failure_detail(r, p.at));
        else report(sink, job, resource, it == existing.end() ? Outcome::created : Outcome::updated, why);
    });
}

void seed_ssm(const SeedJob& job, SeedSink& sink) { seed_ssm_impl(job, sink); }

// ---- declaration --------------------------------------------------------------------------

SchemaPtr ssm_schema() {
    using namespace schema;
    auto param = one_of({string(), object({req("value", one_of({string(), list(string())}, "a string or list")),
                                            opt("type", choice({"String", "StringList", "SecureString"})),
                                            opt("description", string())})},
                        "a value or a mapping with value and type");
    return object({opt("parameters", map(param)), opt("files", list(string()))});
}

// ---- purge (LocalStack's reset) -----------------------------------------------------------

bool purge_ssm(const SeedTarget& target, const std::string& service, SeedSink& sink) {
    AwsPurge p(target, service, sink, "ssm");
    AwsClient c(config_for(target));
    std::vector<std::string> names;
    std::string token;
    do {
        json in = {{"MaxResults", 50}};
        if (!token.empty()) in["NextToken"] = token;
        AwsResult r = c.call_json("ssm", "DescribeParameters", in);
        if (p.list_failed(r, c)) return p.ok();
        json body = r.json();
        for (const auto& prm : body.value("Parameters", json::array())) names.push_back(jstr(prm, "Name"));
        token = jstr(body, "NextToken");
    } while (!token.empty());
    std::size_t batches = (names.size() + 9) / 10;
    parallel_for(batches, pool_options(target, 4), client_per_worker(target), [&](AwsClient& cl, std::size_t b) {
        json batch = json::array();
        for (std::size_t i = b * 10; i < std::min(names.size(), b * 10 + 10); ++i) batch.push_back(names[i]);
        AwsResult r = cl.call_json("ssm", "DeleteParameters", {{"Names", batch}});
        require_reachable(r, cl);
        if (!r.ok()) return p.failed(fmt::format("{} parameters", batch.size()), r);
        for (const auto& n : batch) p.removed("parameter " + n.get<std::string>());
    });
    return p.ok();
}

void ssm_files(const Value& block, std::vector<const Value*>& out) {
    if (const Value* files = block.find("files"))
        for (const auto& f : files->items()) out.push_back(&f);
}

}  // namespace

extern const SeedKind ssm_kind;
const SeedKind ssm_kind{
    .name = "ssm",
    .family = "aws",
    .summary = "parameters (String, StringList, SecureString), inline or from files",
    .phase = 0,
    .aws_service = "ssm",
    .schema = ssm_schema,
    .check = nullptr,
    .seed = seed_ssm,
    .files = ssm_files,
    .purge = purge_ssm,
};

}  // namespace devenv

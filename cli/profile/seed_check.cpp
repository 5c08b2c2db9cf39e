#include "profile/seed_check.hpp"

#include <set>

#include <fmt/format.h>

#include "profile/schemas.hpp"
#include "util/error.hpp"
#include "util/suggest.hpp"

namespace devenv {
namespace {

std::set<std::string> names_in(const Value* list, const char* key = "name") {
    std::set<std::string> out;
    if (list && list->is_sequence())
        for (const auto& i : list->items())
            if (const Value* n = i.find(key)) out.insert(n->text());
    return out;
}

void must_name(const Value& ref, const std::set<std::string>& known, const std::string& path, const std::string& what) {
    if (known.count(ref.text())) return;
    Error e = error_at(ref.mark(), path, fmt::format("unknown {} '{}'", what, ref.text()));
    std::vector<std::string> v(known.begin(), known.end());
    if (auto near = suggest(ref.text(), v)) e.hint(fmt::format("did you mean '{}'?", *near));
    else if (!v.empty()) e.hint(fmt::format("declared: {}", fmt::join(v, ", ")));
    throw e;
}

// The AWS service a seed kind talks to; "" for kinds that are no AWS service.
std::string_view aws_service_of(std::string_view kind) {
    if (kind == "cognito") return "cognito-idp";
    if (kind == "eventbridge") return "events";
    for (std::string_view k : {"dynamodb", "sqs", "ssm", "s3", "secretsmanager"})
        if (kind == k) return k;
    return "";
}

// An emulator that serves only some services (LocalStack's SERVICES) answers a seed of another
// with an error late in `up`; say so while loading, at the seed block.
void check_served(const Service& svc, const std::string& kind, const Mark& mark, const std::string& path) {
    std::string_view needed = aws_service_of(kind);
    if (needed.empty() || svc.serves.empty()) return;
    for (const auto& s : svc.serves)
        if (s == needed) return;
    throw error_at(mark, path,
                   fmt::format("service '{}' does not serve {}, which '{}' seeds need (it serves: {})", svc.name,
                               needed, kind, fmt::join(svc.serves, ", ")))
        .hint(fmt::format("add {} to services.{}.with.services, or drop the block with `{}: ~` "
                          "(--set {}=null)",
                          needed, svc.name, kind, path));
}

void check_references(const Value& svc_seed, const std::string& path) {
    const Value* sqs = svc_seed.find("sqs");
    const Value* queues_list = sqs ? sqs->find("queues") : nullptr;
    std::set<std::string> queues = names_in(queues_list);
    if (queues_list) {
        for (std::size_t i = 0; i < queues_list->items().size(); ++i) {
            if (const Value* dl = queues_list->items()[i].find("dead_letter"))
                must_name(*dl->find("queue"), queues,
                          join_path(join_path(index_path(join_path(path, "sqs.queues"), i), "dead_letter"), "queue"),
                          "dead-letter queue");
        }
    }
    if (const Value* eb = svc_seed.find("eventbridge"); eb && eb->find("buses")) {
        const Value& buses = *eb->find("buses");
        for (std::size_t b = 0; b < buses.items().size(); ++b) {
            const Value* rules = buses.items()[b].find("rules");
            if (!rules) continue;
            for (std::size_t r = 0; r < rules->items().size(); ++r) {
                const Value* targets = rules->items()[r].find("targets");
                if (!targets) continue;
                for (std::size_t t = 0; t < targets->items().size(); ++t) {
                    std::string tp = index_path(
                        join_path(index_path(join_path(index_path(join_path(path, "eventbridge.buses"), b), "rules"), r),
                                  "targets"),
                        t);
                    const Value& target = targets->items()[t];
                    if (const Value* q = target.find("queue")) must_name(*q, queues, join_path(tp, "queue"), "queue");
                    else if (!target.find("arn"))
                        throw error_at(target.mark(), tp, "a rule target needs `queue` or `arn`");
                }
            }
        }
    }
    if (const Value* cg = svc_seed.find("cognito"); cg && cg->find("user_pools")) {
        const Value& pools = *cg->find("user_pools");
        for (std::size_t p = 0; p < pools.items().size(); ++p) {
            const Value& pool = pools.items()[p];
            std::set<std::string> groups = names_in(pool.find("groups"));
            std::set<std::string> custom = names_in(pool.find("custom_attributes"));
            const Value* users = pool.find("users");
            if (!users) continue;
            std::string pp = index_path(join_path(path, "cognito.user_pools"), p);
            for (std::size_t u = 0; u < users->items().size(); ++u) {
                std::string up = index_path(join_path(pp, "users"), u);
                const Value& user = users->items()[u];
                if (const Value* gs = user.find("groups"))
                    for (std::size_t g = 0; g < gs->items().size(); ++g)
                        must_name(gs->items()[g], groups, index_path(join_path(up, "groups"), g), "group");
                if (const Value* attrs = user.find("attributes")) {
                    for (const auto& a : attrs->entries()) {
                        if (!a.key.starts_with("custom:")) continue;
                        Value name = Value::string(a.key.substr(7), a.key_mark);
                        must_name(name, custom, join_path(join_path(up, "attributes"), a.key), "custom attribute");
                    }
                }
            }
        }
    }
}

}  // namespace

std::vector<SeedDecl> check_seed(const Value& seed, const Profile& profile) {
    std::vector<SeedDecl> out;
    for (const auto& svc_entry : seed.entries()) {
        std::string spath = join_path("seed", svc_entry.key);
        const Service* svc = profile.find_service(svc_entry.key);
        if (!svc) {
            Error e = error_at(svc_entry.key_mark, spath,
                               fmt::format("seed names unknown service '{}'", svc_entry.key));
            if (auto near = suggest(svc_entry.key, profile.service_names())) e.hint(fmt::format("did you mean '{}'?", *near));
            else e.hint(fmt::format("services: {}", fmt::join(profile.service_names(), ", ")));
            throw e;
        }
        if (!svc_entry.value.is_mapping())
            throw error_at(svc_entry.value.mark(), spath,
                           fmt::format("expected a mapping of seed kinds, got {}", svc_entry.value.type_name()));
        for (const auto& kind_entry : svc_entry.value.entries()) {
            std::string kpath = join_path(spath, kind_entry.key);
            // `KIND: ~` (null) drops a block a parent profile declared.
            if (kind_entry.value.is_null()) continue;
            SchemaPtr schema = seed_kind_schema(kind_entry.key);
            if (!schema) {
                Error e = error_at(kind_entry.key_mark, kpath, fmt::format("unknown seed kind '{}'", kind_entry.key));
                if (auto near = suggest(kind_entry.key, svc->seed_kinds)) e.hint(fmt::format("did you mean '{}'?", *near));
                else if (auto any = suggest(kind_entry.key, seed_kinds())) e.hint(fmt::format("did you mean '{}'?", *any));
                throw e;
            }
            bool accepted = false;
            for (const auto& k : svc->seed_kinds) accepted = accepted || k == kind_entry.key;
            if (!accepted) {
                std::string what = svc->template_name.empty() ? "a raw service"
                                                              : fmt::format("template {}", svc->template_name);
                throw error_at(kind_entry.key_mark, kpath,
                               fmt::format("service '{}' ({}) does not take '{}' seeds; it takes: {}", svc->name, what,
                                           kind_entry.key, fmt::join(svc->seed_kinds, ", ")));
            }
            check_served(*svc, kind_entry.key, kind_entry.key_mark, kpath);
            validate(kind_entry.value, *schema, kpath);
            std::string base;
            if (kind_entry.key_mark.file) base = kind_entry.key_mark.file->base_dir;
            out.push_back(SeedDecl{svc->name, kind_entry.key, kind_entry.value, base});
        }
        check_references(svc_entry.value, spath);
    }
    return out;
}

}  // namespace devenv

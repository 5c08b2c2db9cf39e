// The `cognito` seed kind: user pools (found by name, so re-runs keep their ids), then their app
// clients and groups concurrently, then users (created with SUPPRESS, permanent passwords,
// group memberships). Pool and client ids are recorded for `devenv env`.
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "seed/aws/support.hpp"
#include "seed/kind.hpp"
#include "seed/check.hpp"

namespace devenv {

namespace {

using nlohmann::json;
using namespace aws_seed;

constexpr std::string_view kService = "cognito-idp";

json string_list(const Value* v) {
    json out = json::array();
    if (v)
        for (const auto& i : v->items()) out.push_back(i.text());
    return out;
}

json custom_attribute(const Value& a) {
    std::string name = text(a.find("name"));
    if (name.rfind("custom:", 0) == 0) name = name.substr(7);
    return {{"Name", name}, {"AttributeDataType", text(a.find("type"), "String")}, {"Mutable", flag(a.find("mutable"), true)}};
}

json password_policy(const Value& p) {
    json out = json::object();
    static const std::pair<const char*, const char*> fields[] = {{"require_uppercase", "RequireUppercase"},
                                                                 {"require_lowercase", "RequireLowercase"},
                                                                 {"require_numbers", "RequireNumbers"},
                                                                 {"require_symbols", "RequireSymbols"}};
    if (const Value* m = p.find("min_length")) out["MinimumLength"] = integer(m, 8);
    for (const auto& [key, field] : fields)
        if (const Value* v = p.find(key)) out[field] = flag(v);
    return out;
}

// Seeded users never receive a verification code, so an email (phone) that the pool
// auto-verifies is marked verified unless the declaration says otherwise.
json user_attributes(const Value& pool, const Value& user) {
    json out = json::array();
    std::set<std::string> names;
    if (const Value* attrs = user.find("attributes"))
        for (const auto& e : attrs->entries()) {
            out.push_back({{"Name", e.key}, {"Value", e.value.text()}});
            names.insert(e.key);
        }
    if (const Value* av = pool.find("auto_verified_attributes"))
        for (const auto& a : av->items()) {
            std::string verified = a.text() + "_verified";
            if (names.count(a.text()) && !names.count(verified)) out.push_back({{"Name", verified}, {"Value", "true"}});
        }
    return out;
}

class PoolSeeder {
public:
    PoolSeeder(const SeedJob& job, SeedSink& sink, const Value& pool, bool several, bool first)
        : job_(job), sink_(sink), pool_(pool), several_(several), first_(first), name_(text(pool.find("name"))) {}

    void run(AwsClient& c) {
        if (!ensure_pool(c)) return;
        std::string svc = job_.decl->service;
        if (first_) sink_.record(svc, "COGNITO_USER_POOL_ID", pool_id_);
        if (several_) sink_.record(svc, env_name("COGNITO_USER_POOL_ID_", name_), pool_id_);

        const Value* clients = pool_.find("clients");
        const Value* groups = pool_.find("groups");
        std::size_t nc = clients ? clients->items().size() : 0, ng = groups ? groups->items().size() : 0;
        auto workers = pool_options(job_.target);
        parallel_for(nc + ng, workers, client_per_worker(job_.target), [&](AwsClient& cl, std::size_t i) {
            if (i < nc) seed_client(cl, clients->items()[i], i == 0);
            else seed_group(cl, groups->items()[i - nc]);
        });
        if (const Value* users = pool_.find("users"))
            parallel_for(users->items().size(), pool_options(job_.target), client_per_worker(job_.target),
                         [&](AwsClient& cl, std::size_t i) { seed_user(cl, users->items()[i]); });
    }

private:
    void add(std::string resource, Outcome o, std::string detail = {}) {
        report(sink_, job_, std::move(resource), o, std::move(detail));
    }

    // The id of the pool with this name, "" when there is none.
    std::string find_pool(AwsClient& c, std::string& error) {
        std::string token;
        for (;;) {
            json in = {{"MaxResults", 60}};
            if (!token.empty()) in["NextToken"] = token;
            AwsResult r = c.call_json(kService, "ListUserPools", in);
            require_reachable(r, c);
            if (!r.ok()) {
                error = failure_detail(r, &pool_);
                return {};
            }
            json body = r.json();
            for (const auto& p : body.value("UserPools", json::array()))
                if (jstr(p, "Name") == name_) return jstr(p, "Id");
            token = jstr(body, "NextToken");
            if (token.empty()) return {};
        }
    }

    std::vector<std::string> pool_drift(const json& have) {
        std::vector<std::string> out;
        json want_ua = string_list(pool_.find("username_attributes"));
        json have_ua = have.value("UsernameAttributes", json::array());
        if (pool_.has("username_attributes") && want_ua != have_ua)
            out.push_back(fmt::format("username attributes are {} (declared {})", have_ua.dump(), want_ua.dump()));
        if (const Value* pp = pool_.find("password_policy")) {
            json want = password_policy(*pp);
            json hp = have.value("Policies", json::object()).value("PasswordPolicy", json::object());
            for (auto& [k, v] : want.items())
                if (!hp.contains(k) || hp[k] != v)
                    out.push_back(fmt::format("password policy {} is {} (declared {})", k,
                                              hp.contains(k) ? hp[k].dump() : "unset", v.dump()));
        }
        return out;
    }

    bool create_pool(AwsClient& c) {
        json in = {{"PoolName", name_}};
        if (pool_.has("username_attributes")) in["UsernameAttributes"] = string_list(pool_.find("username_attributes"));
        if (pool_.has("auto_verified_attributes"))
            in["AutoVerifiedAttributes"] = string_list(pool_.find("auto_verified_attributes"));
        if (const Value* ca = pool_.find("custom_attributes")) {
            json schema = json::array();
            for (const auto& a : ca->items()) schema.push_back(custom_attribute(a));
            in["Schema"] = schema;
        }
        if (const Value* pp = pool_.find("password_policy"))
            in["Policies"] = {{"PasswordPolicy", password_policy(*pp)}};
        AwsResult r = c.call_json(kService, "CreateUserPool", in);
        require_reachable(r, c);
        if (!r.ok()) {
            add("user pool " + name_, Outcome::failed, failure_detail(r, &pool_));
            return false;
        }
        pool_id_ = jstr(r.json()["UserPool"], "Id");
        return true;
    }

    bool ensure_pool(AwsClient& c) {
        std::string resource = "user pool " + name_;
        std::string error;
        pool_id_ = find_pool(c, error);
        if (!error.empty()) {
            add(resource, Outcome::failed, error);
            return false;
        }
        if (pool_id_.empty()) {
            if (!create_pool(c)) return false;
            add(resource, Outcome::created, pool_id_);
            return true;
        }
        AwsResult d = c.call_json(kService, "DescribeUserPool", {{"UserPoolId", pool_id_}});
        require_reachable(d, c);
        if (!d.ok()) {
            add(resource, Outcome::failed, failure_detail(d, &pool_));
            return false;
        }
        json have = d.json()["UserPool"];
        auto drift = pool_drift(have);
        if (!drift.empty()) {
            if (!job_.force) {
                add(resource, Outcome::drift, fmt::format("{} (--force recreates the pool, with a new id)", fmt::join(drift, "; ")));
                return true;  // clients, groups and users can still be seeded into it
            }
            AwsResult del = c.call_json(kService, "DeleteUserPool", {{"UserPoolId", pool_id_}});
            require_reachable(del, c);
            if (!del.ok()) {
                add(resource, Outcome::failed, failure_detail(del, &pool_));
                return false;
            }
            if (!create_pool(c)) return false;
            add(resource, Outcome::updated, fmt::format("recreated: {}", fmt::join(drift, "; ")));
            return true;
        }
        // Custom attributes can be added, never removed or changed.
        std::set<std::string> have_attrs;
        for (const auto& a : have.value("SchemaAttributes", json::array())) have_attrs.insert(jstr(a, "Name"));
        json missing = json::array();
        if (const Value* ca = pool_.find("custom_attributes"))
            for (const auto& a : ca->items()) {
                json attr = custom_attribute(a);
                if (!have_attrs.count("custom:" + attr["Name"].get<std::string>())) missing.push_back(attr);
            }
        if (missing.empty()) {
            add(resource, Outcome::unchanged, pool_id_);
            return true;
        }
        AwsResult u = c.call_json(kService, "AddCustomAttributes", {{"UserPoolId", pool_id_}, {"CustomAttributes", missing}});
        require_reachable(u, c);
        if (!u.ok()) add(resource, Outcome::failed, failure_detail(u, pool_.find("custom_attributes")));
        else add(resource, Outcome::updated, fmt::format("added {} custom attribute(s)", missing.size()));
        return true;
    }

    void seed_client(AwsClient& c, const Value& cl, bool first_client) {
        std::string name = text(cl.find("name"));
        std::string resource = fmt::format("app client {}/{}", name_, name);
        std::string id;
        Outcome outcome = Outcome::unchanged;
        std::string detail;
        std::string token;
        for (;;) {
            json in = {{"UserPoolId", pool_id_}, {"MaxResults", 60}};
            if (!token.empty()) in["NextToken"] = token;
            AwsResult r = c.call_json(kService, "ListUserPoolClients", in);
            require_reachable(r, c);
            if (!r.ok()) return add(resource, Outcome::failed, failure_detail(r, &cl));
            json body = r.json();
            for (const auto& x : body.value("UserPoolClients", json::array()))
                if (jstr(x, "ClientName") == name) id = jstr(x, "ClientId");
            token = jstr(body, "NextToken");
            if (!id.empty() || token.empty()) break;
        }
        json flows = string_list(cl.find("auth_flows"));
        if (id.empty()) {
            json in = {{"UserPoolId", pool_id_}, {"ClientName", name}, {"GenerateSecret", flag(cl.find("generate_secret"))}};
            if (!flows.empty()) in["ExplicitAuthFlows"] = flows;
            AwsResult r = c.call_json(kService, "CreateUserPoolClient", in);
            require_reachable(r, c);
            if (!r.ok()) return add(resource, Outcome::failed, failure_detail(r, &cl));
            id = jstr(r.json()["UserPoolClient"], "ClientId");
            outcome = Outcome::created;
        } else if (cl.has("auth_flows")) {
            AwsResult d = c.call_json(kService, "DescribeUserPoolClient", {{"UserPoolId", pool_id_}, {"ClientId", id}});
            require_reachable(d, c);
            if (!d.ok()) return add(resource, Outcome::failed, failure_detail(d, &cl));
            json have = d.json()["UserPoolClient"].value("ExplicitAuthFlows", json::array());
            std::set<std::string> a(flows.begin(), flows.end()), b(have.begin(), have.end());
            if (a != b) {
                AwsResult u = c.call_json(kService, "UpdateUserPoolClient",
                                          {{"UserPoolId", pool_id_}, {"ClientId", id}, {"ClientName", name},
                                           {"ExplicitAuthFlows", flows}});
                require_reachable(u, c);
                if (!u.ok()) return add(resource, Outcome::failed, failure_detail(u, &cl));
                outcome = Outcome::updated;
                detail = fmt::format("auth flows were {}", have.dump());
            }
        }
        std::string svc = job_.decl->service;
        sink_.record(svc, env_name("COGNITO_CLIENT_ID_", name), id);
        if (first_ && first_client) sink_.record(svc, "COGNITO_CLIENT_ID", id);
        add(resource, outcome, detail.empty() ? id : detail);
    }

    void seed_group(AwsClient& c, const Value& g) {
        std::string name = text(g.find("name"));
        std::string resource = fmt::format("group {}/{}", name_, name);
        std::string desc = text(g.find("description"));
        AwsResult r = c.call_json(kService, "GetGroup", {{"UserPoolId", pool_id_}, {"GroupName", name}});
        require_reachable(r, c);
        if (r.ok()) {
            std::string have = jstr(r.json()["Group"], "Description");
            if (!g.has("description") || have == desc) return add(resource, Outcome::unchanged);
            AwsResult u = c.call_json(kService, "UpdateGroup", {{"UserPoolId", pool_id_}, {"GroupName", name}, {"Description", desc}});
            require_reachable(u, c);
            if (!u.ok()) return add(resource, Outcome::failed, failure_detail(u, &g));
            return add(resource, Outcome::updated, "description differed");
        }
        if (r.code != "ResourceNotFoundException") return add(resource, Outcome::failed, failure_detail(r, &g));
        json in = {{"UserPoolId", pool_id_}, {"GroupName", name}};
        if (!desc.empty()) in["Description"] = desc;
        AwsResult cr = c.call_json(kService, "CreateGroup", in);
        require_reachable(cr, c);
        if (!cr.ok()) return add(resource, Outcome::failed, failure_detail(cr, &g));
        add(resource, Outcome::created);
    }

    void seed_user(AwsClient& c, const Value& u) {
        std::string username = text(u.find("username"));
        std::string resource = fmt::format("user {}/{}", name_, username);
        json attrs = user_attributes(pool_, u);
        json key = {{"UserPoolId", pool_id_}, {"Username", username}};
        std::vector<std::string> changed;
        Outcome outcome = Outcome::unchanged;

        AwsResult g = c.call_json(kService, "AdminGetUser", key);
        require_reachable(g, c);
        if (!g.ok() && g.code != "UserNotFoundException") return add(resource, Outcome::failed, failure_detail(g, &u));
        if (!g.ok()) {
            json in = key;
            in["UserAttributes"] = attrs;
            in["MessageAction"] = "SUPPRESS";
            AwsResult cr = c.call_json(kService, "AdminCreateUser", in);
            require_reachable(cr, c);
            if (!cr.ok()) return add(resource, Outcome::failed, failure_detail(cr, &u));
            outcome = Outcome::created;
            if (const Value* pw = u.find("password")) {
                AwsResult p = c.call_json(kService, "AdminSetUserPassword",
                                          {{"UserPoolId", pool_id_}, {"Username", username}, {"Password", pw->text()},
                                           {"Permanent", true}});
                require_reachable(p, c);
                if (!p.ok()) return add(resource, Outcome::failed, "created, but the password: " + failure_detail(p, pw));
            }
        } else {
            std::map<std::string, std::string> have;
            for (const auto& a : g.json().value("UserAttributes", json::array())) have[jstr(a, "Name")] = jstr(a, "Value");
            json diff = json::array();
            for (const auto& a : attrs) {
                auto it = have.find(a["Name"]);
                if (it == have.end() || it->second != a["Value"]) diff.push_back(a);
            }
            if (!diff.empty()) {
                json in = key;
                in["UserAttributes"] = diff;
                AwsResult up = c.call_json(kService, "AdminUpdateUserAttributes", in);
                require_reachable(up, c);
                if (!up.ok()) return add(resource, Outcome::failed, failure_detail(up, u.find("attributes")));
                outcome = Outcome::updated;
                for (const auto& a : diff) changed.push_back(a["Name"].get<std::string>());
            }
        }
        if (const Value* groups = u.find("groups")) {
            std::set<std::string> member;
            if (outcome != Outcome::created) {
                AwsResult lg = c.call_json(kService, "AdminListGroupsForUser", key);
                require_reachable(lg, c);
                if (!lg.ok()) return add(resource, Outcome::failed, failure_detail(lg, groups));
                for (const auto& gr : lg.json().value("Groups", json::array())) member.insert(jstr(gr, "GroupName"));
            }
            for (const auto& gr : groups->items()) {
                if (member.count(gr.text())) continue;
                json in = key;
                in["GroupName"] = gr.text();
                AwsResult a = c.call_json(kService, "AdminAddUserToGroup", in);
                require_reachable(a, c);
                if (!a.ok()) return add(resource, Outcome::failed, fmt::format("group {}: {}", gr.text(), failure_detail(a, &gr)));
                if (outcome != Outcome::created) {
                    outcome = Outcome::updated;
                    changed.push_back("group " + gr.text());
                }
            }
        }
        add(resource, outcome, changed.empty() ? "" : fmt::format("set {}", fmt::join(changed, ", ")));
    }

    const SeedJob& job_;
    SeedSink& sink_;
    const Value& pool_;
    bool several_;
    bool first_;
    std::string name_;
    std::string pool_id_;
};

void seed_cognito(const SeedJob& job, SeedSink& sink) {
    const Value* pools = job.decl->spec.find("user_pools");
    if (!pools) return;
    AwsClient c(config_for(job.target));
    const auto& list = pools->items();
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (interrupted(job.target)) return;
        PoolSeeder(job, sink, list[i], list.size() > 1, i == 0).run(c);
    }
}

// ---- declaration --------------------------------------------------------------------------

SchemaPtr cognito_schema() {
    using namespace schema;
    auto user = list(object({req("username", string()), opt("password", string()),
                             opt("attributes", map(string())), opt("groups", list(string()))}));
    auto pool = object({
        req("name", string()),
        opt("username_attributes", list(choice({"email", "phone_number"}))),
        opt("auto_verified_attributes", list(choice({"email", "phone_number"}))),
        opt("custom_attributes", named_list({opt("type", choice({"String", "Number"})), opt("mutable", boolean())})),
        opt("password_policy", object({opt("min_length", integer()), opt("require_uppercase", boolean()),
                                       opt("require_lowercase", boolean()), opt("require_numbers", boolean()),
                                       opt("require_symbols", boolean())})),
        opt("clients", named_list({opt("generate_secret", boolean()), opt("auth_flows", list(string()))})),
        opt("groups", named_list({opt("description", string())})),
        opt("users", user),
    });
    return object({opt("user_pools", list(pool))});
}

// A user's groups and custom attributes must be declared in its pool.
void check_cognito(const Value& block, const std::string& path, const SeedSiblings&) {
    const Value* pools = block.find("user_pools");
    if (!pools) return;
    for (std::size_t p = 0; p < pools->items().size(); ++p) {
        const Value& pool = pools->items()[p];
        std::set<std::string> groups = names_in(pool.find("groups"));
        std::set<std::string> custom = names_in(pool.find("custom_attributes"));
        const Value* users = pool.find("users");
        if (!users) continue;
        std::string pp = index_path(join_path(path, "user_pools"), p);
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

// ---- purge (LocalStack's reset) -----------------------------------------------------------

bool purge_cognito(const SeedTarget& target, const std::string& service, SeedSink& sink) {
    AwsPurge p(target, service, sink, "cognito");
    p.each(
        [&](AwsClient& c, std::vector<std::string>& ids) {
            std::string token;
            do {
                json in = {{"MaxResults", 60}};
                if (!token.empty()) in["NextToken"] = token;
                AwsResult r = c.call_json("cognito-idp", "ListUserPools", in);
                if (p.list_failed(r, c)) return false;
                json body = r.json();
                for (const auto& pl : body.value("UserPools", json::array()))
                    ids.push_back(jstr(pl, "Id") + "\t" + jstr(pl, "Name"));
                token = jstr(body, "NextToken");
            } while (!token.empty());
            return true;
        },
        [&](AwsClient& c, const std::string& id_name) {
            std::string id = id_name.substr(0, id_name.find('\t'));
            std::string name = "user pool " + id_name.substr(id_name.find('\t') + 1);
            AwsResult r = c.call_json("cognito-idp", "DeleteUserPool", {{"UserPoolId", id}});
            require_reachable(r, c);
            if (!r.ok() && r.code != "ResourceNotFoundException") return p.failed(name, r);
            p.removed(name);
        });
    return p.ok();
}

}  // namespace

extern const SeedKind cognito_kind;
const SeedKind cognito_kind{
    .name = "cognito",
    .family = "aws",
    .summary = "user pools with custom attributes, password policy, clients, groups and users",
    .phase = 0,
    .aws_service = "cognito-idp",
    .schema = cognito_schema,
    .check = check_cognito,
    .seed = seed_cognito,
    .purge = purge_cognito,
};

}  // namespace devenv

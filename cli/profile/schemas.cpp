#include "profile/schemas.hpp"

#include <fmt/format.h>

namespace devenv {

using namespace schema;

namespace {

SchemaPtr string_or_list() { return one_of({string(), list(string())}, "a string or a list of strings"); }

// Compose keys are passed to Compose, which validates them fully; here they are checked for
// names (typos get "did you mean") and for the shapes users most often get wrong.
SchemaPtr compose_key_schema(const std::string& key) {
    static const std::vector<std::string> lists = {"cap_add", "cap_drop", "dns_search", "expose", "profiles",
                                                   "devices", "tmpfs", "volumes_from", "group_add", "security_opt"};
    if (key == "ports" || key == "volumes" || key == "secrets" || key == "configs")
        return list(any());
    if (key == "environment" || key == "labels" || key == "sysctls" || key == "extra_hosts")
        return one_of({map(any()), list(string())}, "a mapping or a list of KEY=VALUE strings");
    if (key == "depends_on")
        return one_of({list(string()), map(object({opt("condition", choice({"service_started", "service_healthy",
                                                                             "service_completed_successfully"})),
                                                    opt("restart", boolean()), opt("required", boolean())}))},
                      "a list of services or a mapping of service to condition");
    if (key == "command" || key == "entrypoint") return string_or_list();
    if (key == "image" || key == "container_name" || key == "restart" || key == "stop_signal" ||
        key == "user" || key == "working_dir" || key == "hostname" || key == "platform")
        return string();
    if (key == "env_file") return string_or_list();
    if (key == "healthcheck")
        return object({opt("test", string_or_list()), opt("interval", duration()), opt("timeout", duration()),
                       opt("retries", integer()), opt("start_period", duration()), opt("start_interval", duration()),
                       opt("disable", boolean())});
    if (key == "build")
        return one_of({string(), object({}, any())}, "a build context path or a build mapping");
    for (const auto& l : lists)
        if (l == key) return one_of({string(), list(any())}, "a list");
    return any();
}

SchemaPtr service_schema(SchemaPtr probe) {
    std::vector<Field> fields = {
        opt("template", string()),
        opt("with", map(any())),
        opt("probe", std::move(probe)),
        opt("exports", map(string())),
        opt("description", string()),
    };
    for (const auto& k : compose_service_keys()) fields.push_back(opt(k, compose_key_schema(k)));
    return object(std::move(fields));
}

SchemaPtr top_level_compose() { return map(any()); }

// ---- seed kinds ---------------------------------------------------------------------------

SchemaPtr named_list(std::vector<Field> fields) {
    fields.insert(fields.begin(), req("name", string()));
    return list(object(std::move(fields)));
}

SchemaPtr projection() {
    return one_of({choice({"ALL", "KEYS_ONLY"}), list(string())}, "ALL, KEYS_ONLY or a list of attributes");
}

void check_table(const Value& t, const std::string& path) {
    const Value* attrs = t.find("attributes");
    auto require_attr = [&](const Value* key, const std::string& where) {
        if (!key) return;
        if (!attrs || !attrs->find(key->text()))
            throw error_at(key->mark(), where,
                           fmt::format("key attribute '{}' is not declared in attributes", key->text()));
    };
    require_attr(t.find("hash_key"), join_path(path, "hash_key"));
    require_attr(t.find("range_key"), join_path(path, "range_key"));
    for (const char* idx : {"gsis", "lsis"}) {
        if (const Value* list_v = t.find(idx)) {
            for (std::size_t i = 0; i < list_v->items().size(); ++i) {
                const Value& g = list_v->items()[i];
                std::string gp = index_path(join_path(path, idx), i);
                require_attr(g.find("hash_key"), join_path(gp, "hash_key"));
                require_attr(g.find("range_key"), join_path(gp, "range_key"));
            }
        }
    }
}

SchemaPtr dynamodb_schema() {
    auto index = list(object({req("name", string()), req("hash_key", string()), opt("range_key", string()),
                              opt("projection", projection()),
                              opt("throughput", object({req("read", integer()), req("write", integer())}))}));
    auto table = with_check(
        object({req("name", string()),
                req("attributes", map(choice({"S", "N", "B"}))),
                req("hash_key", string()),
                opt("range_key", string()),
                opt("billing_mode", choice({"PAY_PER_REQUEST", "PROVISIONED"})),
                opt("throughput", object({req("read", integer()), req("write", integer())})),
                opt("gsis", index),
                opt("lsis", index),
                opt("ttl", string()),
                opt("stream", choice({"NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"})),
                opt("items", list(map(any()))),
                opt("items_file", string())}),
        check_table);
    return object({opt("tables", list(table))});
}

SchemaPtr sqs_schema() {
    auto queue = with_check(
        object({req("name", string()), opt("fifo", boolean()), opt("attributes", map(any())),
                opt("dead_letter", object({req("queue", string()), opt("max_receive_count", integer())})),
                opt("tags", map(string()))}),
        [](const Value& q, const std::string& path) {
            const Value* fifo = q.find("fifo");
            const std::string& name = q.find("name")->text();
            bool is_fifo = fifo && fifo->text() == "true";
            bool suffix = name.size() > 5 && name.ends_with(".fifo");
            if (is_fifo != suffix)
                throw error_at(q.find("name")->mark(), join_path(path, "name"),
                               is_fifo ? fmt::format("FIFO queue '{}' must end in .fifo", name)
                                       : fmt::format("queue '{}' ends in .fifo but fifo is not true", name));
        });
    return object({opt("queues", list(queue))});
}

SchemaPtr ssm_schema() {
    auto param = one_of({string(), object({req("value", one_of({string(), list(string())}, "a string or list")),
                                            opt("type", choice({"String", "StringList", "SecureString"})),
                                            opt("description", string())})},
                        "a value or a mapping with value and type");
    return object({opt("parameters", map(param)), opt("files", list(string()))});
}

SchemaPtr s3_schema() {
    return object({opt("buckets", named_list({opt("objects_from", string()), opt("objects", map(string())),
                                              opt("versioning", boolean())}))});
}

SchemaPtr cognito_schema() {
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

SchemaPtr eventbridge_schema() {
    auto target = object({opt("queue", string()), opt("arn", string()), opt("id", string())});
    auto rule = named_list({opt("pattern", map(any())), opt("description", string()), opt("targets", list(target))});
    return object({opt("buses", named_list({opt("rules", rule)}))});
}

SchemaPtr secretsmanager_schema() {
    return object({opt("secrets", named_list({req("value", any()), opt("description", string())}))});
}

SchemaPtr postgres_seed_schema() {
    auto sql = one_of({string(), object({opt("file", string()), opt("text", string())})},
                      "a file path or a mapping with file or text");
    return object({
        opt("roles", named_list({opt("password", string()), opt("login", boolean()), opt("superuser", boolean())})),
        opt("databases", named_list({opt("owner", string()), opt("extensions", list(string())), opt("sql", list(sql))})),
    });
}

SchemaPtr redis_seed_schema() {
    auto key = object({req("key", string()), opt("type", choice({"string", "hash", "list", "set", "zset"})),
                       req("value", any()), opt("ttl", duration())});
    return object({opt("db", integer()), opt("keys", list(key))});
}

SchemaPtr kafka_seed_schema() {
    return object({opt("topics", named_list({opt("partitions", integer()), opt("replication_factor", integer()),
                                             opt("configs", map(string()))}))});
}

SchemaPtr schema_registry_schema() {
    auto subject = object({req("subject", string()), opt("type", choice({"AVRO", "JSON", "PROTOBUF"})),
                           opt("schema", any()), opt("file", string())});
    return object({opt("subjects", list(subject))});
}

SchemaPtr connect_schema() {
    return object({opt("connectors", named_list({opt("config", map(any())), opt("config_file", string())}))});
}

SchemaPtr vault_schema() {
    return object({opt("kv", object({opt("mount", string()), opt("secrets", map(map(any())))}))});
}

SchemaPtr mongodb_schema() {
    auto index = object({opt("name", string()), req("keys", map(integer())), opt("unique", boolean())});
    auto coll = named_list({opt("indexes", list(index))});
    return object({opt("replica_set", string()), opt("databases", named_list({opt("collections", coll)}))});
}

SchemaPtr exec_schema() {
    return list(object({req("command", list(string())), opt("description", string())}));
}

}  // namespace

const std::vector<std::string>& compose_service_keys() {
    static const std::vector<std::string> keys = {
        "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup", "cgroup_parent",
        "command", "configs", "container_name", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota",
        "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "cpus", "cpuset", "credential_spec", "depends_on",
        "deploy", "develop", "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname",
        "entrypoint", "env_file", "environment", "expose", "external_links", "extra_hosts", "gpus",
        "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "label_file", "labels",
        "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit",
        "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform",
        "ports", "post_start", "pre_stop", "privileged", "profiles", "pull_policy", "read_only", "restart",
        "runtime", "scale", "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period",
        "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode", "uts",
        "volumes", "volumes_from", "working_dir"};
    return keys;
}

const std::vector<std::string>& devenv_service_keys() {
    static const std::vector<std::string> keys = {"template", "with", "probe", "exports", "description"};
    return keys;
}

const std::vector<std::string>& seed_kinds() {
    static const std::vector<std::string> kinds = {
        "dynamodb", "sqs", "ssm", "s3", "cognito", "eventbridge", "secretsmanager", "postgres", "redis",
        "kafka", "schema_registry", "connect", "vault", "mongodb", "exec"};
    return kinds;
}

SchemaPtr seed_kind_schema(const std::string& kind) {
    if (kind == "dynamodb") return dynamodb_schema();
    if (kind == "sqs") return sqs_schema();
    if (kind == "ssm") return ssm_schema();
    if (kind == "s3") return s3_schema();
    if (kind == "cognito") return cognito_schema();
    if (kind == "eventbridge") return eventbridge_schema();
    if (kind == "secretsmanager") return secretsmanager_schema();
    if (kind == "postgres") return postgres_seed_schema();
    if (kind == "redis") return redis_seed_schema();
    if (kind == "kafka") return kafka_seed_schema();
    if (kind == "schema_registry") return schema_registry_schema();
    if (kind == "connect") return connect_schema();
    if (kind == "vault") return vault_schema();
    if (kind == "mongodb") return mongodb_schema();
    if (kind == "exec") return exec_schema();
    return nullptr;
}

SchemaPtr profile_schema(SchemaPtr probe) {
    auto services = map(one_of({service_schema(std::move(probe))}, "a service mapping"));
    auto body = [&](bool in_overlay) {
        std::vector<Field> f = {
            opt("description", string()),
            opt("variables", map(one_of({string(), list(string())}, "a string"))),
            opt("services", services),
            opt("volumes", top_level_compose()),
            opt("secrets", top_level_compose()),
            opt("configs", top_level_compose()),
            opt("networks", top_level_compose()),
            opt("seed", map(map(any()))),
            opt("exports", map(string())),
        };
        if (!in_overlay) {
            f.push_back(opt("name", string()));
            f.push_back(opt("extends", string()));
        }
        return f;
    };
    std::vector<Field> top = body(false);
    top.push_back(opt("overlays", map(object(body(true)))));
    return object(std::move(top));
}

SchemaPtr template_schema() {
    static SchemaPtr s = [] {
        auto param = object({req("type", choice({"string", "int", "bool", "port", "enum", "list", "map", "duration"})),
                             opt("default", any()), opt("values", list(string())), opt("description", string()),
                             opt("secret", boolean())});
        auto partial_param = object({opt("type", choice({"string", "int", "bool", "port", "enum", "list", "map",
                                                          "duration"})),
                                     opt("default", any()), opt("values", list(string())),
                                     opt("description", string()), opt("secret", boolean())});
        auto variant = object({opt("params", map(partial_param)), opt("service", map(any())),
                               opt("volumes", map(any())), opt("configs", map(any())), opt("probe", map(any())),
                               opt("exports", map(string())), opt("description", string())});
        return object({req("template", string()), req("description", string()), opt("params", map(param)),
                       opt("variants", map(variant)), req("service", map(any())), opt("volumes", map(any())),
                       // Probe fields hold ${params}: checked after instantiation.
                       opt("configs", map(any())), opt("probe", map(any())), opt("exports", map(string())),
                       opt("seeds", list(choice(seed_kinds()))),
                       // AWS services the emulator serves (${params} allowed); empty: all.
                       opt("serves", any())});
    }();
    return s;
}

}  // namespace devenv

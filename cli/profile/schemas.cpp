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
        opt("job", boolean()),
    };
    for (const auto& k : compose_service_keys()) fields.push_back(opt(k, compose_key_schema(k)));
    return object(std::move(fields));
}

SchemaPtr top_level_compose() { return map(any()); }

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
    static const std::vector<std::string> keys = {"template", "with", "probe", "exports", "description", "job"};
    return keys;
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
                       // Seed kinds: checked against the table of kinds (seed/check.cpp).
                       opt("seeds", list(string())),
                       // Exports another service's same-named export wins over (any-credential emulators).
                       opt("yield_exports", list(string())),
                       // AWS services the emulator serves (${params} allowed); empty: all.
                       opt("serves", any())});
    }();
    return s;
}

}  // namespace devenv

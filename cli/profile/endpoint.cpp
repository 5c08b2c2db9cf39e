#include "profile/endpoint.hpp"

namespace devenv {

using namespace schema;

std::string host_for_apps(const std::string& host) { return host == kThisMachine ? "localhost" : host; }

std::vector<Field> endpoint_fields() {
    return {
        opt("host", string()),
        opt("port", port()),
        opt("scheme", choice({"http", "https"})),
        opt("user", string()),
        opt("password", string()),
        opt("database", string()),
        opt("region", string()),
    };
}

Endpoint endpoint_from_decl(const Value& decl, const std::vector<int>& host_ports, const std::string& host,
                            const std::string& path) {
    Endpoint e;
    e.host = host;
    const Value* fields = decl.is_mapping() ? &decl : nullptr;
    auto text = [&](const char* key, std::string& into) {
        if (const Value* v = fields ? fields->find(key) : nullptr) into = v->text();
    };
    text("host", e.host);
    if (const Value* v = fields ? fields->find("port") : nullptr) e.port = static_cast<int>(integer_value(*v, path));
    else if (!host_ports.empty()) e.port = host_ports.front();
    text("scheme", e.scheme);
    text("user", e.user);
    text("password", e.password);
    text("database", e.database);
    text("region", e.region);
    return e;
}

}  // namespace devenv

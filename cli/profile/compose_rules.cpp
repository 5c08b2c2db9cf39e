#include "profile/compose_rules.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "util/strings.hpp"
#include "util/suggest.hpp"

namespace devenv {
namespace {

struct PortRange {
    int first = 0;
    int last = 0;  // == first for a single port
};

// "8080" or "8000-8010", each 1-65535; nullopt when it is not that.
std::optional<PortRange> parse_range(std::string_view s) {
    auto number = [](std::string_view t) -> std::optional<int> {
        if (t.empty() || t.size() > 5) return std::nullopt;
        int n = 0;
        for (char c : t) {
            if (!is_digit(c)) return std::nullopt;
            n = n * 10 + (c - '0');
        }
        return n;
    };
    auto dash = s.find('-');
    auto a = number(s.substr(0, dash));
    auto b = dash == std::string_view::npos ? a : number(s.substr(dash + 1));
    if (!a || !b) return std::nullopt;
    return PortRange{*a, *b};
}

struct Published {
    std::string ip;  // "" for every address
    PortRange host;
    std::string proto;
    const Value* node;
    std::string path;
};

Error port_error(const Value& node, const std::string& path, std::string message, int offset) {
    Error e = error_at(node.mark(), path, std::move(message));
    e.hint("ports are [IP:]HOST:CONTAINER[/PROTOCOL], e.g. \"8080:80\", \"127.0.0.1:5432:5432\", \"5353:53/udp\"; "
           "each port 1-65535");
    if (offset != 0) e.hint(fmt::format("--port-offset {} moved every published port by {}", offset, offset));
    return e;
}

void check_range(const PortRange& r, const Value& node, const std::string& path, std::string_view which, int offset) {
    for (int p : {r.first, r.last})
        if (p < 1 || p > 65535)
            throw port_error(node, path, fmt::format("{} port {} is out of range (1-65535)", which, p), offset);
    if (r.last < r.first)
        throw port_error(node, path, fmt::format("{} port range {}-{} runs backwards", which, r.first, r.last), offset);
}

void check_proto(std::string_view proto, const Value& node, const std::string& path, int offset) {
    if (proto != "tcp" && proto != "udp" && proto != "sctp")
        throw port_error(node, path, fmt::format("unknown protocol '{}' (tcp, udp or sctp)", proto), offset);
}

// One entry of `ports:`; returns what it publishes on the host, if anything.
std::optional<Published> check_port(const Value& p, const std::string& path, int offset) {
    if (p.is_mapping()) {
        const Value* target = p.find("target");
        if (!target) throw port_error(p, path, "a port in the long syntax needs `target` (the container port)", offset);
        auto t = parse_range(target->text());
        if (!t || t->first != t->last) throw port_error(*target, join_path(path, "target"), fmt::format("target '{}' is not a port number", target->text()), offset);
        check_range(*t, *target, join_path(path, "target"), "container", offset);
        std::string proto = "tcp";
        if (const Value* pr = p.find("protocol")) {
            proto = pr->text();
            check_proto(proto, *pr, join_path(path, "protocol"), offset);
        }
        if (const Value* mode = p.find("mode"); mode && mode->text() != "host" && mode->text() != "ingress")
            throw error_at(mode->mark(), join_path(path, "mode"), fmt::format("mode '{}' is neither host nor ingress", mode->text()));
        const Value* pub = p.find("published");
        if (!pub || pub->text().empty()) return std::nullopt;
        auto h = parse_range(pub->text());
        if (!h) throw port_error(*pub, join_path(path, "published"), fmt::format("published port '{}' is not a port or a range", pub->text()), offset);
        check_range(*h, *pub, join_path(path, "published"), "host", offset);
        const Value* ip = p.find("host_ip");
        return Published{ip ? ip->text() : "", *h, proto, pub, join_path(path, "published")};
    }
    if (!p.is_scalar() || p.is_null())
        throw port_error(p, path, fmt::format("a port is a string or a mapping, not {}", p.type_name()), offset);
    std::string t = p.text();
    std::string proto = "tcp";
    if (auto slash = t.find('/'); slash != std::string::npos) {
        proto = t.substr(slash + 1);
        t = t.substr(0, slash);
        check_proto(proto, p, path, offset);
    }
    std::string ip;
    if (t.starts_with('[')) {  // [::1]:8080:80
        auto close = t.find(']');
        if (close == std::string::npos || close + 1 >= t.size() || t[close + 1] != ':')
            throw port_error(p, path, fmt::format("cannot read '{}'", p.text()), offset);
        ip = t.substr(1, close - 1);
        t = t.substr(close + 2);
    }
    std::vector<std::string> parts = split(t, ':');
    if (ip.empty() && parts.size() == 3) {
        ip = parts[0];
        parts.erase(parts.begin());
    }
    if (parts.empty() || parts.size() > 2)
        throw port_error(p, path, fmt::format("cannot read '{}'", p.text()), offset);
    auto container = parse_range(parts.back());
    if (!container) throw port_error(p, path, fmt::format("container port '{}' in '{}' is not a port or a range", parts.back(), p.text()), offset);
    check_range(*container, p, path, "container", offset);
    if (parts.size() == 1 || parts[0].empty()) return std::nullopt;  // a port Docker picks
    auto host = parse_range(parts[0]);
    if (!host) throw port_error(p, path, fmt::format("host port '{}' in '{}' is not a port or a range", parts[0], p.text()), offset);
    check_range(*host, p, path, "host", offset);
    if (host->last - host->first != container->last - container->first && host->first != host->last)
        throw port_error(p, path, fmt::format("'{}' maps ranges of different lengths", p.text()), offset);
    return Published{ip, *host, proto, &p, path};
}

bool overlap(const Published& a, const Published& b) {
    bool same_ip = a.ip.empty() || b.ip.empty() || a.ip == "0.0.0.0" || b.ip == "0.0.0.0" || a.ip == b.ip;
    return same_ip && a.proto == b.proto && a.host.first <= b.host.last && b.host.first <= a.host.last;
}

const std::set<std::string>& volume_modes() {
    static const std::set<std::string> modes{"ro", "rw", "z", "Z", "cached", "delegated", "consistent", "nocopy",
                                              "shared", "rshared", "slave", "rslave", "private", "rprivate"};
    return modes;
}

bool is_bind_source(std::string_view s) {
    return s.starts_with('/') || s.starts_with('.') || s.starts_with('~') || s.starts_with('$');
}

bool volume_name_ok(std::string_view s) {
    if (s.empty() || !is_alnum(s[0])) return false;
    for (char c : s)
        if (!is_alnum(c) && c != '_' && c != '.' && c != '-') return false;
    return true;
}

void check_volume(const Value& v, const std::string& path, const std::vector<std::string>& declared) {
    auto undeclared = [&](const Value& at, const std::string& name, const std::string& at_path) {
        if (std::find(declared.begin(), declared.end(), name) != declared.end()) return;
        Error e = error_at(at.mark(), at_path, fmt::format("named volume '{}' is not declared in the top-level `volumes:`", name));
        if (auto near = suggest(name, declared)) e.hint(fmt::format("did you mean '{}'?", *near));
        e.hint(fmt::format("declare it (`volumes: {{{}: {{}}}}`), or write a path (./{}) for a bind mount", name, name));
        throw e;
    };
    if (v.is_mapping()) {
        const Value* type = v.find("type");
        std::string kind = type ? type->text() : "volume";
        static const std::set<std::string> kinds{"volume", "bind", "tmpfs", "npipe", "cluster", "image"};
        if (!kinds.count(kind))
            throw error_at(type->mark(), join_path(path, "type"), fmt::format("unknown volume type '{}'", kind))
                .hint("volume, bind or tmpfs");
        const Value* target = v.find("target");
        if (!target || target->text().empty())
            throw error_at(v.mark(), path, "a volume in the long syntax needs `target` (the path in the container)");
        if (!target->text().starts_with('/'))
            throw error_at(target->mark(), join_path(path, "target"), fmt::format("target '{}' is not an absolute path", target->text()));
        const Value* source = v.find("source");
        if (kind == "bind" && (!source || source->text().empty()))
            throw error_at(v.mark(), path, "a bind mount needs `source` (the host path)");
        if (kind == "volume" && source && !source->text().empty()) undeclared(*source, source->text(), join_path(path, "source"));
        return;
    }
    if (!v.is_string()) throw error_at(v.mark(), path, fmt::format("a volume is a string or a mapping, not {}", v.type_name()));
    std::string t = v.text();
    if (t.empty()) throw error_at(v.mark(), path, "empty volume");
    std::vector<std::string> parts = split(t, ':');
    auto hint = [](Error e) {
        return e.hint("volumes are SOURCE:TARGET[:MODE] (a named volume or a host path, then an absolute path in the "
                      "container), or TARGET alone, e.g. \"data:/var/lib/data\", \"./src:/app:ro\"");
    };
    if (parts.size() > 3) throw hint(error_at(v.mark(), path, fmt::format("cannot read volume '{}': too many ':'", t)));
    std::string target = parts.size() == 1 ? parts[0] : parts[1];
    if (!target.starts_with('/'))
        throw hint(error_at(v.mark(), path, fmt::format("'{}': the path in the container, '{}', is not absolute", t, target)));
    if (parts.size() == 3)
        for (const auto& m : split(parts[2], ','))
            if (!volume_modes().count(m))
                throw hint(error_at(v.mark(), path, fmt::format("'{}': unknown mode '{}' (ro, rw, z, Z, ...)", t, m)));
    if (parts.size() >= 2) {
        const std::string& source = parts[0];
        if (source.empty()) throw hint(error_at(v.mark(), path, fmt::format("'{}' has an empty source", t)));
        if (!is_bind_source(source)) {
            if (!volume_name_ok(source))
                throw hint(error_at(v.mark(), path, fmt::format("'{}' is neither a volume name nor a path", source)))
                    .hint("a host path starts with /, ./ or ../");
            undeclared(v, source, path);
        }
    }
}

bool env_name_ok(std::string_view n) {
    if (n.empty() || is_digit(n[0])) return false;
    for (char c : n) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '=') return false;
    }
    return true;
}

void check_environment(const Value& env, const std::string& path) {
    auto bad = [&](const Mark& at, const std::string& p, const std::string& name) {
        return error_at(at, p, fmt::format("'{}' is not a valid environment variable name", name))
            .hint("names are letters, digits and _ (not starting with a digit), without spaces or '='");
    };
    if (env.is_mapping()) {
        for (const auto& e : env.entries())
            if (!env_name_ok(e.key)) throw bad(e.key_mark, join_path(path, e.key), e.key);
    } else if (env.is_sequence()) {
        for (std::size_t i = 0; i < env.items().size(); ++i) {
            const Value& item = env.items()[i];
            std::string t = item.text();
            std::string name = t.substr(0, t.find('='));
            if (!env_name_ok(name)) throw bad(item.mark(), index_path(path, i), name);
        }
    }
}

}  // namespace

void check_compose_rules(const Profile& profile, int port_offset) {
    std::vector<std::string> declared;
    if (const Value* vols = profile.top_level.find("volumes"); vols && vols->is_mapping())
        for (const auto& e : vols->entries()) declared.push_back(e.key);
    std::vector<std::pair<std::string, Published>> published;  // service, port
    for (const auto& svc : profile.services) {
        std::string base = join_path("services", svc.name);
        if (const Value* ports = svc.compose.find("ports"); ports && ports->is_sequence())
            for (std::size_t i = 0; i < ports->items().size(); ++i) {
                std::string path = index_path(join_path(base, "ports"), i);
                auto pub = check_port(ports->items()[i], path, port_offset);
                if (!pub) continue;
                for (const auto& [other, prev] : published)
                    if (overlap(prev, *pub)) {
                        std::string port = pub->host.first == pub->host.last
                                               ? std::to_string(pub->host.first)
                                               : fmt::format("{}-{}", pub->host.first, pub->host.last);
                        throw error_at(pub->node->mark(), pub->path,
                                       fmt::format("host port {} is published twice: by {} ({}) and by {}", port, other,
                                                   prev.path, svc.name))
                            .hint("give one of them another host port; the container ports may stay the same");
                    }
                published.emplace_back(svc.name, *pub);
            }
        if (const Value* vols = svc.compose.find("volumes"); vols && vols->is_sequence())
            for (std::size_t i = 0; i < vols->items().size(); ++i)
                check_volume(vols->items()[i], index_path(join_path(base, "volumes"), i), declared);
        if (const Value* env = svc.compose.find("environment")) check_environment(*env, join_path(base, "environment"));
    }
}

}  // namespace devenv

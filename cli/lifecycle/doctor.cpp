#include "lifecycle/doctor.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lifecycle/ports.hpp"
#include "lifecycle/registry_check.hpp"
#include "probe/probe.hpp"
#include "util/env.hpp"
#include "util/process.hpp"

namespace devenv {

namespace {

using State = DoctorCheck::State;

constexpr double kMinFreeGiB = 2.0;  // a first pull of the events profile needs about that

std::string env_or_empty(const char* name) { return env_value(name).value_or(""); }

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string image_of(const Service& s) {
    const Value* img = s.compose.find("image");
    return img && img->is_scalar() ? img->text() : "";
}

bool has_build(const Service& s) { return s.compose.find("build") != nullptr; }

// "name:tag" (default tag latest); digests left as they are.
std::string tag_of(const std::string& image) {
    auto slash = image.rfind('/');
    auto colon = image.rfind(':');
    if (image.find('@') != std::string::npos) return "";
    if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return "latest";
    return image.substr(colon + 1);
}

std::string repo_of(const std::string& image) {
    std::string r = image.substr(0, image.find('@'));
    auto slash = r.rfind('/');
    auto colon = r.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) r = r.substr(0, colon);
    return r;
}

// Connects from here to a port a running container publishes on the engine's host. Which
// container does not matter: its port is forwarded by the engine like the profile's will be.
DoctorCheck published_port_check(DockerApi& api, const EngineTarget& target) {
    std::vector<ContainerInfo> running;
    try {
        running = api.list_running();
    } catch (const Error& e) {
        return {"published_port", State::skip, fmt::format("cannot list the engine's containers: {}", first_line(e.message())), ""};
    }
    for (const auto& c : running)
        for (const auto& pb : c.ports) {
            // A port bound to one address of the engine's host (127.0.0.1 there) says nothing
            // about reaching that host from here.
            bool wildcard = pb.host_ip.empty() || pb.host_ip == "0.0.0.0" || pb.host_ip == "::";
            if (!pb.host_port || pb.proto != "tcp" || !wildcard) continue;
            Endpoint at;
            at.host = target.host;
            at.port = pb.host_port;
            ProbeResult pr = tcp_connect(at, std::chrono::milliseconds(500));
            std::string what = fmt::format("{}:{} (published by container {})", target.host, pb.host_port, c.name);
            if (pr.ready) return {"published_port", State::ok, fmt::format("reached {} from here", what), ""};
            return {"published_port", State::fail, fmt::format("cannot reach {} from here: {}", what, pr.detail),
                    fmt::format("published ports are looked for on {} ({}); set DEVENV_HOST to the address this machine "
                                "reaches the engine's host at, or open its firewall to the published ports",
                                target.host, target.host_source)};
        }
    return {"published_port", State::skip,
            fmt::format("no running container publishes a TCP port on this engine, so none was tried; after `devenv up`, "
                        "doctor connects to one on {}",
                        target.host),
            ""};
}

}  // namespace

const char* state_name(DoctorCheck::State s) {
    switch (s) {
    case State::ok: return "ok";
    case State::fail: return "fail";
    case State::skip: return "skip";
    }
    return "?";
}

bool DoctorReport::ok() const {
    return std::none_of(checks.begin(), checks.end(), [](const DoctorCheck& c) { return c.state == State::fail; });
}

bool localstack_needs_token(const std::string& image) {
    std::string repo = repo_of(image);
    if (repo.find("localstack-pro") != std::string::npos) return true;
    if (repo.find("localstack/localstack") == std::string::npos) return false;
    std::string tag = tag_of(image);
    if (tag == "latest" || tag == "stable") return true;
    // Calendar versions (2026.03, 2026.3.0) are the releases that need an account.
    int major = std::atoi(tag.c_str());
    return major >= 2026;
}

DoctorReport run_doctor(Environment* env, const std::string& profile_error) {
    DoctorReport r;

    // Which engine and which host, and why: the one resolution every command uses.
    std::optional<EngineTarget> target;
    try {
        target = env ? env->engine : resolve_engine();
        r.checks.push_back({"docker_host", State::ok,
                            fmt::format("engine {} (from {}); published ports on {} ({})", target->address, target->source,
                                        target->host, target->host_source),
                            ""});
    } catch (const Error& e) {
        r.checks.push_back({"docker_host", State::fail, first_line(e.message()),
                            e.hints().empty() ? "set DOCKER_HOST to unix:///path, tcp://host:port or ssh://user@host" : e.hints().front()});
    }

    // The engine: one ping and /version through the API client devenv itself uses.
    std::unique_ptr<DockerApi> own;
    DockerApi* api = nullptr;
    try {
        if (!target) throw Error(ErrorKind::engine, "no engine to ask (see docker_host)");
        if (env) api = &env->api();
        else {
            own = std::make_unique<DockerApi>(target->address);
            api = own.get();
        }
        api->ping();
        nlohmann::json v = api->version();
        r.engine_ok = true;
        r.checks.push_back({"engine", State::ok,
                            fmt::format("Docker engine {} (API {}, {}/{}) at {}", v.value("Version", "?"),
                                        v.value("ApiVersion", "?"), v.value("Os", "?"), v.value("Arch", "?"), api->host()),
                            ""});
    } catch (const Error& e) {
        std::string fix = e.hints().empty() ? "start the engine (sudo systemctl start docker), or set DOCKER_HOST"
                                            : e.hints().front();
        r.checks.push_back({"engine", State::fail, fmt::format("no Docker engine answers: {}", first_line(e.message())), fix});
    }

    try {
        const ComposeTool& c = compose_tool();
        r.compose_ok = true;
        std::string cmd;
        for (const auto& a : c.argv) cmd += (cmd.empty() ? "" : " ") + a;
        r.checks.push_back({"compose", State::ok, fmt::format("Compose {} ({}: {})", c.version, c.found_by, cmd), ""});
    } catch (const Error& e) {
        r.checks.push_back({"compose", State::fail, first_line(e.message()),
                            e.hints().empty() ? "install the Compose v2 plugin (apt-get install docker-compose-plugin, or "
                                                "docker-compose v2 from Debian trixie)"
                                              : e.hints().front()});
    }

    // A published port on that host, reached from here: what every probe and seeder needs.
    if (r.engine_ok) r.checks.push_back(published_port_check(*api, *target));
    else r.checks.push_back({"published_port", State::skip, "needs the engine", ""});

    if (!env) {
        if (!profile_error.empty())
            r.checks.push_back({"profile", State::fail, profile_error, "`devenv config` shows the error with its position"});
        else
            r.checks.push_back({"profile", State::skip, "no devenv.yaml here and no profile named: profile checks skipped",
                                ""});
        return r;
    }
    const Profile& p = env->profile;
    r.checks.push_back({"profile", State::ok,
                        fmt::format("profile {} ({}), {} services, project {}", p.name, p.source, p.services.size(), p.project),
                        ""});

    // Ports: free, or held by this very environment (already up).
    {
        std::vector<std::string> taken;
        int count = 0;
        int own_count = 0;
        for (const auto& s : p.services)
            for (int port : s.host_ports) {
                ++count;
                std::optional<std::string> holder;
                if (r.engine_ok) {
                    try {
                        holder = port_taken(*api, *target, port);
                    } catch (const Error&) {
                    }
                } else if (port_in_use(port)) {
                    holder = port_holder_process(port).value_or("");
                }
                if (!holder) continue;
                std::string mine = fmt::format("(Compose project {})", p.project);
                if (holder->find(mine) != std::string::npos) {
                    ++own_count;
                    continue;
                }
                taken.push_back(fmt::format("{} ({}) is taken by {}", port, s.name, holder->empty() ? "another process" : *holder));
            }
        if (taken.empty()) {
            std::string note = own_count ? fmt::format(", {} held by this environment (it is up)", own_count) : "";
            r.checks.push_back({"ports", State::ok,
                                fmt::format("all {} published ports are free on {}{}", count, target ? target->host : kThisMachine, note), ""});
        } else {
            std::string list;
            for (const auto& t : taken) list += (list.empty() ? "" : "; ") + t;
            r.checks.push_back({"ports", State::fail, list,
                                "stop what holds them, or shift every port with --port-offset N (e.g. 100)"});
        }
    }

    // Free disk in the engine's data root, measurable when the engine runs on this machine.
    if (r.engine_ok) {
        try {
            nlohmann::json info = api->info();
            std::string root = info.value("DockerRootDir", "");
            bool local = api->host().rfind("unix://", 0) == 0 && target->ports_on_this_machine();
            struct statvfs st {};
            if (root.empty()) {
                r.checks.push_back({"disk", State::skip, "the engine does not report its data root", ""});
            } else if (!local || ::statvfs(root.c_str(), &st) != 0) {
                r.checks.push_back({"disk", State::skip,
                                    fmt::format("data root {} is not reachable from here (remote engine or a VM); "
                                                "`docker system df` shows its use",
                                                root),
                                    ""});
            } else {
                double gib = static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize) / (1024.0 * 1024.0 * 1024.0);
                if (gib < kMinFreeGiB)
                    r.checks.push_back({"disk", State::fail, fmt::format("{:.1f} GiB free in {} (less than {:.0f} GiB)", gib, root, kMinFreeGiB),
                                        "free space: `docker system prune` (stopped containers, dangling images), "
                                        "`docker volume prune` for old volumes"});
                else
                    r.checks.push_back({"disk", State::ok, fmt::format("{:.1f} GiB free in {}", gib, root), ""});
            }
        } catch (const Error& e) {
            r.checks.push_back({"disk", State::skip, fmt::format("engine info unavailable: {}", first_line(e.message())), ""});
        }
    } else {
        r.checks.push_back({"disk", State::skip, "needs the engine", ""});
    }

    // Images present, to pull, or built from a Dockerfile.
    if (r.engine_ok) {
        std::vector<std::string> present, pull, build;
        std::set<std::string> seen;
        for (const auto& s : p.services) {
            std::string img = image_of(s);
            if (has_build(s)) {
                build.push_back(s.name);
                continue;
            }
            if (img.empty() || !seen.insert(img).second) continue;
            bool have = false;
            try {
                have = api->image_exists(img);
            } catch (const Error&) {
            }
            (have ? present : pull).push_back(img);
        }
        auto list = [](const std::vector<std::string>& v) {
            std::string out;
            for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
            return out;
        };
        std::string summary = fmt::format("{} present", present.size());
        if (!pull.empty()) summary += fmt::format("; to pull on first up: {}", list(pull));
        if (!build.empty()) summary += fmt::format("; built from a Dockerfile: {}", list(build));
        if (!present.empty()) summary += fmt::format(" (present: {})", list(present));
        r.checks.push_back({"images", State::ok, summary, ""});
        r.checks.push_back(registries_check(pull, *api));
    } else {
        r.checks.push_back({"images", State::skip, "needs the engine", ""});
        r.checks.push_back({"registries", State::skip, "needs the engine", ""});
    }

    // LocalStack's auth token, only where the chosen image needs one.
    for (const auto& s : p.services) {
        if (s.template_name != "localstack") continue;
        std::string img = image_of(s);
        if (!localstack_needs_token(img)) {
            r.checks.push_back({"localstack_token", State::ok,
                                fmt::format("{}: {} runs without LOCALSTACK_AUTH_TOKEN", s.name, img), ""});
        } else if (!env_or_empty("LOCALSTACK_AUTH_TOKEN").empty()) {
            r.checks.push_back({"localstack_token", State::ok,
                                fmt::format("{}: {} needs LOCALSTACK_AUTH_TOKEN, and it is set", s.name, img), ""});
        } else {
            r.checks.push_back({"localstack_token", State::fail,
                                fmt::format("{}: {} needs LOCALSTACK_AUTH_TOKEN, which is not set", s.name, img),
                                "export LOCALSTACK_AUTH_TOKEN (app.localstack.cloud), or pin the community image "
                                "(--set services.aws.with.version=4.14.0), or use moto (AWS_EMULATOR=moto)"});
        }
    }
    return r;
}

}  // namespace devenv

#include "lifecycle/environment.hpp"
#include "seed/check.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "lifecycle/ports.hpp"
#include "net/http.hpp"
#include "probe/kinds.hpp"
#include "render/compose.hpp"
#include "util/digest.hpp"
#include "util/env.hpp"
#include "util/interrupt.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/thread_group.hpp"

namespace devenv {

using Clock = std::chrono::steady_clock;

void start_engine_client_init() { start_http_init_in_background(); }

DockerApi& Environment::api() {
    if (!docker) docker = std::make_unique<DockerApi>(engine.address);
    return *docker;
}

std::string engine_host_for_profiles() {
    try {
        return resolve_engine().host;
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::engine) throw;
        return kThisMachine;
    }
}

Environment open_environment(const LoadOptions& opts) {
    Environment env;
    env.options = opts;
    auto seen = std::make_shared<std::map<std::string, std::optional<std::string>>>();
    LoadOptions recording = opts;
    recording.getenv = [seen, inner = opts.getenv](std::string_view name) -> std::optional<std::string> {
        std::optional<std::string> v = inner ? inner(name) : env_value(name);
        (*seen)[std::string(name)] = v;
        return v;
    };
    env.profile = load_checked_profile(recording);
    env.env_seen = *seen;
    env.dir = state_dir(opts.project_dir);
    env.engine = resolve_engine();
    env.compose = ComposeProject{env.profile.project, env.dir.compose_file(), opts.project_dir, env.engine.address};
    return env;
}

std::optional<LoadOptions> recorded_load_options(const std::string& project_dir) {
    auto rec = read_state(state_dir(project_dir));
    if (!rec || rec->project.empty()) return std::nullopt;
    LoadOptions o;
    o.project_dir = project_dir;
    o.profile = rec->profile;
    o.overlays = rec->overlays;
    o.sets = rec->sets;
    o.port_offset = rec->port_offset;
    o.project_name = rec->project;
    o.host = engine_host_for_profiles();
    // What the profile read at `up` wins over this shell's environment; what it did not read
    // comes from the environment as usual.
    o.getenv = [env = rec->env](std::string_view name) -> std::optional<std::string> {
        if (auto it = env.find(std::string(name)); it != env.end()) return it->second;
        return env_value(name);
    };
    return o;
}

namespace {

std::map<std::string, ContainerInfo> by_service(const std::vector<ContainerInfo>& list) {
    std::map<std::string, ContainerInfo> out;
    for (const auto& c : list)
        if (!out.count(c.service)) out[c.service] = c;
    return out;
}

std::vector<WaitService> wait_services(const Profile& p, const std::vector<std::string>& only) {
    std::vector<WaitService> out;
    for (const auto& s : p.services) {
        if (!only.empty() && std::find(only.begin(), only.end(), s.name) == only.end()) continue;
        std::vector<std::string> deps;
        for (const auto& d : s.depends_on)
            if (only.empty() || std::find(only.begin(), only.end(), d) != only.end()) deps.push_back(d);
        out.push_back({s.name, s.endpoint, s.probe, deps, s.job});
    }
    return out;
}

PortConflict conflict_on(Environment& env, int port, const std::string& service) {
    PortConflict c{port, service, {}};
    try {
        if (auto holder = port_taken(env.api(), env.engine, port)) c.holder = *holder;
    } catch (const Error&) {
    }
    return c;
}

Error port_conflict_error(const std::vector<PortConflict>& conflicts, std::string_view started) {
    std::string list;
    for (const auto& c : conflicts)
        list += fmt::format("{}port {} (wanted by {}) is taken{}", list.empty() ? "" : "; ", c.port, c.service,
                            c.holder.empty() ? "" : " by " + c.holder);
    Error e(ErrorKind::engine, fmt::format("cannot start: {}", list));
    e.hint(fmt::format("{}. Stop what holds the port, or run a second copy with --port-offset N", started));
    return e;
}

void check_ports(Environment& env, const std::vector<ContainerInfo>& ours) {
    std::set<int> held_by_us;
    for (const auto& c : ours)
        for (const auto& p : c.ports)
            if (p.host_port) held_by_us.insert(p.host_port);
    std::vector<PortConflict> conflicts;
    for (const auto& s : env.profile.services)
        for (int port : s.host_ports) {
            if (held_by_us.count(port)) continue;
            if (auto holder = port_taken(env.api(), env.engine, port)) conflicts.push_back({port, s.name, *holder});
        }
    if (!conflicts.empty()) throw port_conflict_error(conflicts, "nothing was started");
}

// The host ports named in Compose's "port is already allocated" / "address already in use".
std::vector<int> ports_in_bind_failure(const Error& e) {
    static const std::regex bind(R"((?:Bind for |listen tcp[46]? )\[?[0-9a-fA-F.:]*\]?:(\d+)(?: failed|: bind))");
    std::vector<int> out;
    std::string all = e.message();
    for (const auto& d : e.details()) all += "\n" + d;
    for (std::sregex_iterator it(all.begin(), all.end(), bind), end; it != end; ++it) {
        int port = std::stoi((*it)[1].str());
        if (std::find(out.begin(), out.end(), port) == out.end()) out.push_back(port);
    }
    return out;
}

// Compose itself waits for a job that another service waits on (service_completed_successfully)
// before it starts that service: its failure, or its not completing in time, is the job's, and
// reads like the wait's (exit 4, the exit code, the log's last lines), not like Compose's.
void throw_if_job_failed(Environment& env, const Error& compose_error, std::chrono::milliseconds timeout) {
    std::vector<const Service*> jobs;
    for (const auto& s : env.profile.services)
        if (s.job) jobs.push_back(&s);
    if (jobs.empty()) return;
    std::map<std::string, ContainerInfo> containers;
    try {
        containers = by_service(env.api().list_project(env.profile.project));
    } catch (const Error&) {
        return;
    }
    WaitResult r;
    for (const Service* job : jobs) {
        auto it = containers.find(job->name);
        if (it == containers.end()) continue;
        const ContainerInfo& c = it->second;
        ServiceOutcome o;
        o.name = job->name;
        o.job = true;
        ProbeResult verdict = job_attempt(ContainerView{true, c.state, c.exit_code, c.restart_count, c.health, c.health_log}, 0);
        if (verdict.ready) continue;
        if (verdict.fatal) {
            o.exited = true;
            o.detail = verdict.detail;
        } else if (compose_error.message().find("within") != std::string::npos) {
            o.detail = fmt::format("the job has not completed after {} s: {}",
                                   std::chrono::duration_cast<std::chrono::seconds>(timeout).count(), verdict.detail);
        } else {
            continue;
        }
        try {
            o.log_tail = split_lines(env.api().logs(c.id, 20));
        } catch (const Error&) {
        }
        r.services.push_back(std::move(o));
    }
    if (!r.services.empty()) throw_wait_failure(r, env);
}

bool compose_waits_for_a_job(const Profile& p) {
    for (const auto& s : p.services)
        if (const Value* deps = s.compose.find("depends_on"); deps && deps->is_mapping())
            for (const auto& e : deps->entries())
                if (const Value* c = e.value.is_mapping() ? e.value.find("condition") : nullptr;
                    c && c->text() == "service_completed_successfully")
                    return true;
    return false;
}

// `compose up`, where a port taken after the port check (a race) reads like the check's own
// message, and the containers Compose created but could not start are removed again.
void compose_up_checked(Environment& env, const ComposeUpOptions& opts) {
    try {
        compose_up(env.compose, opts);
    } catch (const Error& e) {
        throw_if_job_failed(env, e, opts.timeout.value_or(std::chrono::milliseconds(0)));
        std::vector<int> ports = ports_in_bind_failure(e);
        if (ports.empty()) throw;
        std::vector<PortConflict> conflicts;
        for (int port : ports) {
            std::string service = "?";
            for (const auto& s : env.profile.services)
                if (std::find(s.host_ports.begin(), s.host_ports.end(), port) != s.host_ports.end()) service = s.name;
            conflicts.push_back(conflict_on(env, port, service));
        }
        std::size_t removed = 0;
        try {
            for (const auto& c : env.api().list_project(env.profile.project))
                if (c.state == "created") {
                    env.api().remove_container(c.id);
                    ++removed;
                }
        } catch (const Error&) {
        }
        throw port_conflict_error(conflicts, removed ? fmt::format("the port was taken after the check; the {} container{} "
                                                                   "Compose created but could not start {} removed",
                                                                   removed, removed == 1 ? "" : "s",
                                                                   removed == 1 ? "was" : "were")
                                                     : std::string("the port was taken after the check"));
    }
}

}  // namespace

WaitHooks engine_hooks(Environment& env) {
    // One Engine API client, used from the wait loop's threads one call at a time.
    auto mu = std::make_shared<std::mutex>();
    DockerApi* api = &env.api();
    std::string project = env.profile.project;
    auto cache = std::make_shared<std::map<std::string, ContainerInfo>>();
    WaitHooks h;
    h.containers = [=] {
        std::lock_guard<std::mutex> lock(*mu);
        *cache = by_service(api->list_project(project));
        std::map<std::string, ContainerView> out;
        for (const auto& [svc, c] : *cache)
            out[svc] = ContainerView{true, c.state, c.exit_code, c.restart_count, c.health, c.health_log};
        return out;
    };
    auto id_of = [=](const std::string& service) -> std::string {
        auto it = cache->find(service);
        return it == cache->end() ? std::string() : it->second.id;
    };
    h.exec = [=](const std::string& service, const std::vector<std::string>& argv) {
        std::lock_guard<std::mutex> lock(*mu);
        std::string id = id_of(service);
        if (id.empty()) return -1;
        try {
            return api->exec(id, argv);
        } catch (const Error&) {
            return -1;
        }
    };
    h.logs = [=](const std::string& service) {
        std::lock_guard<std::mutex> lock(*mu);
        std::string id = id_of(service);
        if (id.empty()) return std::string();
        try {
            return api->logs(id, 0);
        } catch (const Error&) {
            return std::string();
        }
    };
    h.log_tail = [=](const std::string& service, int lines) {
        std::lock_guard<std::mutex> lock(*mu);
        std::string id = id_of(service);
        if (id.empty()) return std::vector<std::string>{};
        try {
            return split_lines(api->logs(id, lines));
        } catch (const Error&) {
            return std::vector<std::string>{};
        }
    };
    return h;
}

std::optional<Error> engine_gone(const Environment& env, const std::string& what) {
    try {
        DockerApi fresh(env.docker ? env.docker->host() : env.engine.address);
        fresh.ping();
    } catch (const Error& gone) {
        if (gone.kind() != ErrorKind::engine) return std::nullopt;
        Error e(ErrorKind::engine, fmt::format("the Docker engine stopped while devenv {}", what));
        e.detail(gone.message());
        for (const auto& h : gone.hints()) e.hint(h);
        e.hint("once the engine runs again, `devenv up` starts the project's containers again");
        return e;
    }
    return std::nullopt;
}

namespace {

// A stopping engine stops its containers after it closed its API socket, and still answers on
// connections it had open: the wait then sees containers "exit with code 137". A fresh
// connection tells whether it was the engine that went away; then that is the error (exit 3).
void throw_if_engine_gone(const WaitResult& r, const Environment& env) {
    const ServiceOutcome* exited = nullptr;
    for (const auto& s : r.services)
        if (!s.ready && s.exited && !exited) exited = &s;
    if (!exited) return;
    if (auto e = engine_gone(env, fmt::format("waited for {}", exited->name))) {
        e->detail(fmt::format("{}: {} (stopped with the engine)", exited->name, exited->detail));
        throw *e;
    }
}

}  // namespace

void throw_wait_failure(const WaitResult& r, const Environment& env) {
    throw_if_engine_gone(r, env);
    std::vector<std::string> names;
    bool only_jobs = true;
    for (const auto& s : r.services)
        if (!s.ready) {
            names.push_back(s.name);
            only_jobs = only_jobs && s.job;
        }
    Error e(ErrorKind::not_ready,
            only_jobs ? fmt::format("{} did not complete: {}", names.size() == 1 ? "a job" : fmt::format("{} jobs", names.size()),
                                    fmt::join(names, ", "))
                      : fmt::format("{} did not become ready: {}",
                                    names.size() == 1 ? "a service" : fmt::format("{} services", names.size()),
                                    fmt::join(names, ", ")));
    for (const auto& s : r.services) {
        if (s.ready) continue;
        e.detail(fmt::format("{}: {}", s.name, s.detail));
        if (!s.log_tail.empty()) {
            e.detail(fmt::format("  last {} lines of {}'s log:", s.log_tail.size(), s.name));
            for (const auto& l : s.log_tail) e.detail("  | " + l);
        }
    }
    e.hint(fmt::format("`devenv logs {}` shows the whole log; `devenv status` the state (project {})", names.front(),
                       env.profile.project));
    if (only_jobs) e.hint("once it is fixed, `devenv up` runs the job again");
    throw e;
}

UpResult up(Environment& env, const UpOptions& opts) {
    auto t0 = Clock::now();
    UpResult result;
    ProjectLock lock(env.dir, "up", std::chrono::seconds(10));
    std::string text = render_compose(env.profile);
    std::string hash = sha256_hex(text);
    auto note = [&](const std::string& s) {
        if (opts.on_note) opts.on_note(s);
    };

    auto prev = read_state(env.dir);

    // `--pull always` first: a newer image makes a running environment out of date.
    bool pulled = false;
    if (opts.pull.policy == PullPolicy::always) {
        result.pulls = pull_images(env.profile, env.api(), opts.pull);
        pulled = true;
    }

    // Already up and unchanged: one status round (the engine's list with the probes), no Compose.
    if (prev && prev->compose_hash == hash && std::filesystem::exists(env.dir.compose_file()) && !result.pulls.any_updated()) {
        auto st = status(env, {});
        if (st.all_ready) {
            result.already_up = true;
            for (const auto& s : st.services) result.wait.services.push_back({s.name, true, s.probe.detail, {}, 1, false, {}, s.job});
            result.wait.ok = true;
            result.took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
            return result;
        }
    }

    env.api().ping();
    auto containers = env.api().list_project(env.profile.project);

    check_ports(env, containers);
    if (!pulled) result.pulls = pull_images(env.profile, env.api(), opts.pull);
    write_file_if_changed(env.dir.compose_file(), text, FileMode::secret);
    ComposeUpOptions co;
    co.build = opts.build;
    co.pull = "never";  // devenv pulled what was needed, with progress; Compose must not pull again
    // Compose waits for a job that another service waits on before it starts that service: bound
    // by --timeout like the wait itself (a job that never ends must not hang `up`).
    if (compose_waits_for_a_job(env.profile)) co.timeout = opts.timeout;
    note(fmt::format("starting {} services with docker compose (project {})", env.profile.services.size(),
                     env.profile.project));
    compose_up_checked(env, co);

    // Recorded as soon as the containers exist, without the hash (not yet known to be ready):
    // after a failed or interrupted wait, status, logs and down still find this project.
    StateRecord rec = prev.value_or(StateRecord{});
    rec.profile = env.options.file ? *env.options.file : env.options.profile;
    rec.project = env.profile.project;
    rec.overlays = env.options.overlays;
    rec.sets = env.options.sets;
    rec.port_offset = env.options.port_offset;
    rec.env = env.env_seen;
    rec.compose_hash.clear();
    rec.up_at = now_iso8601();
    write_state(env.dir, rec);

    WaitHooks hooks = engine_hooks(env);
    hooks.on_event = opts.on_event;
    hooks.interrupted = opts.interrupted;
    result.wait = wait_for_services(wait_services(env.profile, {}), opts.timeout, hooks);
    if (result.wait.interrupted)
        throw Error(ErrorKind::interrupted, "interrupted while waiting; the containers keep running")
            .hint("`devenv status` shows where they are; `devenv down` stops them");
    if (!result.wait.ok) throw_wait_failure(result.wait, env);

    rec.compose_hash = hash;
    write_state(env.dir, rec);
    result.took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
    return result;
}

void down(Environment& env, bool volumes, const std::function<void(const std::string&)>& on_note) {
    ProjectLock lock(env.dir, volumes ? "down --volumes" : "down", std::chrono::seconds(10));
    // The file Compose reads must describe this project (its volumes, for --volumes).
    write_file_if_changed(env.dir.compose_file(), render_compose(env.profile), FileMode::secret);
    ComposeDownOptions co;
    co.volumes = volumes;
    if (on_note) on_note(fmt::format("stopping project {}{}", env.profile.project, volumes ? " and removing its volumes" : ""));
    // Stopping halfway leaves containers that the next `up` finds dying (exit 137): Compose runs
    // in its own process group, out of reach of the terminal's Ctrl-C, and down waits for it.
    co.own_process_group = true;
    compose_down(env.compose, co);
    if (interrupted_flag() && on_note)
        on_note("interrupted, but down finished first: nothing is left stopping");
    StateRecord rec;
    try {
        if (auto prev = read_state(env.dir)) rec = *prev;
    } catch (const Error&) {
        // A damaged record: what down knows (the profile it was given) replaces it.
        rec.profile = env.options.file ? *env.options.file : env.options.profile;
        rec.project = env.profile.project;
    }
    if (volumes) {
        remove_state(env.dir);
    } else {
        // Seeded data survives in the volumes; the next `up` starts the same profile.
        rec.compose_hash.clear();
        write_state(env.dir, rec);
    }
}

namespace {

// The probes status may start before the engine said which containers run: those that only
// connect to the endpoint (tcp, http, postgres, redis, aws, kafka). A probe that reads the
// container (docker, none) or looks inside it (exec, log) waits for the engine's answer.
bool probes_from_host(const Service& svc) {
    const ProbeKind* kind = find_probe_kind(svc.probe.kind.empty() ? std::string_view("none") : svc.probe.kind);
    return kind && kind->decl.needs_port && !kind->uses_engine;
}

ProbeResult timed_probe(const std::string& name, const Service& svc, const ContainerView& view, const WaitHooks& hooks) {
    ProbeContext ctx;
    auto t = Clock::now();
    ProbeResult r = run_probe({name, svc.endpoint, svc.probe, ctx, view, hooks});
    if (r.latency.count() == 0) r.latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t);
    return r;
}

}  // namespace

StatusReport status(Environment& env, const std::vector<std::string>& only) {
    StatusReport report;
    report.project = env.profile.project;
    report.profile = env.profile.name;
    std::vector<const Service*> selected;
    for (const auto& s : env.profile.services)
        if (only.empty() || std::find(only.begin(), only.end(), s.name) != only.end()) selected.push_back(&s);

    // The probes from the host start at once, while the engine lists the containers: status
    // then takes about its slowest probe, not the engine's answers plus that probe. A probe of
    // a service whose container turns out not to run is not shown (it found nothing, or
    // something else on that port). They start before the engine's client exists, so loading
    // its library (libcurl's chain, several milliseconds) overlaps their round trips instead
    // of delaying them; they need no hooks (they do not look inside a container).
    const WaitHooks no_hooks;
    std::vector<ProbeResult> early(selected.size());
    std::vector<bool> started(selected.size(), false);
    ThreadGroup threads;
    for (std::size_t i = 0; i < selected.size(); ++i) {
        if (selected[i]->job || !probes_from_host(*selected[i])) continue;
        started[i] = true;
        threads.spawn([&, i] { early[i] = timed_probe(selected[i]->name, *selected[i], ContainerView{}, no_hooks); });
    }
    WaitHooks hooks = engine_hooks(env);

    auto containers = by_service(env.api().list_project(env.profile.project));
    for (const Service* s : selected) {
        ServiceStatus st;
        st.name = s->name;
        if (auto it = containers.find(s->name); it != containers.end()) {
            st.has_container = true;
            st.container = it->second;
            // The engine lists a port once per address family; once is enough here.
            std::vector<PortBinding> unique;
            for (const auto& pb : st.container.ports)
                if (std::none_of(unique.begin(), unique.end(), [&](const PortBinding& u) {
                        return u.host_port == pb.host_port && u.container_port == pb.container_port && u.proto == pb.proto;
                    }))
                    unique.push_back(pb);
            st.container.ports = unique;
        }
        report.services.push_back(st);
    }
    auto running = [&](std::size_t i) {
        return report.services[i].has_container && report.services[i].container.state == "running";
    };
    // Probes that look inside the container (exec, log) find it through the hooks' map, which
    // costs another list and inspect of every container: only when such a probe is asked.
    bool inside = false;
    for (std::size_t i = 0; i < selected.size(); ++i) {
        const ProbeKind* kind = find_probe_kind(selected[i]->probe.kind);
        inside = inside || (running(i) && kind && kind->uses_engine);
    }
    if (inside) (void)hooks.containers();
    for (auto& st : report.services) {
        const Service* svc = env.profile.find_service(st.name);
        if (!svc || !svc->job) continue;
        // A job is not probed: its container's exit says whether it is done.
        st.job = true;
        ContainerView view{st.has_container, st.container.state, st.container.exit_code, 0, st.container.health,
                           st.container.health_log};
        st.probe = job_attempt(view, view.restart_count);
        st.ready = st.probe.ready;
        st.completed = st.probe.ready;
    }
    for (std::size_t i = 0; i < selected.size(); ++i) {
        if (started[i] || !running(i) || selected[i]->job) continue;
        threads.spawn([&, i] {
            const ServiceStatus& st = report.services[i];
            ContainerView view{true, st.container.state, st.container.exit_code, st.container.restart_count,
                               st.container.health, st.container.health_log};
            early[i] = timed_probe(st.name, *selected[i], view, hooks);
        });
    }
    threads.join();
    for (std::size_t i = 0; i < selected.size(); ++i) {
        if (!running(i) || selected[i]->job) continue;
        report.services[i].probe = early[i];
        report.services[i].ready = early[i].ready;
    }
    report.all_ready = !report.services.empty();
    for (const auto& st : report.services) report.all_ready = report.all_ready && st.ready;
    return report;
}

WaitResult wait_ready(Environment& env, const std::vector<std::string>& only, std::chrono::milliseconds timeout,
                      const std::function<void(const WaitEvent&)>& on_event, const std::atomic<bool>* interrupted) {
    auto containers = env.api().list_project(env.profile.project);
    if (containers.empty())
        throw Error(ErrorKind::not_ready, fmt::format("no containers of project {} exist", env.profile.project))
            .hint("start them with `devenv up` (or with docker compose -p " + env.profile.project + ")");
    WaitHooks hooks = engine_hooks(env);
    hooks.on_event = on_event;
    hooks.interrupted = interrupted;
    WaitResult r = wait_for_services(wait_services(env.profile, only), timeout, hooks);
    if (r.interrupted) throw Error(ErrorKind::interrupted, "interrupted while waiting");
    if (!r.ok) throw_wait_failure(r, env);
    return r;
}

}  // namespace devenv

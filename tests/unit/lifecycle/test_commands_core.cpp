// The decisions of the commands' cores in lifecycle/: whether `up` seeds, the reset plan, the
// seed verdict, which environment a command opens, exports, logs merging, init, completion.
// None needs the engine.
#include <doctest/doctest.h>

#include <filesystem>
#include <optional>

#include "../profile/project_fixture.hpp"
#include "lifecycle/catalog.hpp"
#include "lifecycle/completion.hpp"
#include "lifecycle/doctor.hpp"
#include "lifecycle/exports.hpp"
#include "lifecycle/init.hpp"
#include "lifecycle/logs.hpp"
#include "lifecycle/reset_run.hpp"
#include "lifecycle/select.hpp"
#include "lifecycle/up_run.hpp"
#include "profile/discover.hpp"
#include "state/state.hpp"

using namespace devenv;
using devenv::test::TempProject;

namespace {

Profile profile_with_seed() {
    Profile p;
    p.name = "shop";
    p.project = "shop";
    Service db;
    db.name = "db";
    p.services.push_back(db);
    SeedDecl d;
    d.service = "db";
    d.kind = "postgres";
    d.spec = Value::mapping();
    p.seeds.push_back(d);
    return p;
}

const char* kProject = "name: shop\nservices:\n  db: {template: postgres}\n  cache: {template: redis}\n";

}  // namespace

TEST_SUITE("lifecycle") {

TEST_CASE("decide_up_seed: --no-seed, nothing declared, already applied, else seed") {
    Profile p = profile_with_seed();
    UpResult fresh;
    UpResult already;
    already.already_up = true;
    int asked = 0;
    auto recorded = [&](std::optional<std::string> h) {
        return [&asked, h]() -> std::optional<std::string> {
            ++asked;
            return h;
        };
    };
    CHECK(decide_up_seed(true, p, fresh, recorded(std::nullopt)) == UpSeed::not_asked);
    CHECK(decide_up_seed(false, Profile{}, fresh, recorded(std::nullopt)) == UpSeed::nothing_declared);
    // Freshly started: seeds whatever the state says, without reading it.
    CHECK(decide_up_seed(false, p, fresh, recorded(seed_fingerprint(p))) == UpSeed::seed);
    CHECK(asked == 0);
    // Already up: skips only when the recorded fingerprint is this profile's.
    CHECK(decide_up_seed(false, p, already, recorded(seed_fingerprint(p))) == UpSeed::already_applied);
    CHECK(decide_up_seed(false, p, already, recorded(std::string("old"))) == UpSeed::seed);
    CHECK(decide_up_seed(false, p, already, recorded(std::nullopt)) == UpSeed::seed);
    CHECK(asked == 3);
    // --no-seed wins over everything.
    CHECK(decide_up_seed(true, p, already, recorded(seed_fingerprint(p))) == UpSeed::not_asked);
}

TEST_CASE("plan_reset: soft is one step, --hard is down --volumes, up, seed, and takes no SERVICE") {
    ResetCommandOptions o;
    CHECK(plan_reset(o) == std::vector<ResetStep>{ResetStep::soft_reset});
    o.services = {"db"};
    CHECK(plan_reset(o) == std::vector<ResetStep>{ResetStep::soft_reset});
    o.hard = true;
    try {
        plan_reset(o);
        FAIL("reset --hard with a service must be refused");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(std::string(e.message()).find("takes no SERVICE") != std::string::npos);
        REQUIRE(e.hints().size() == 1);
        CHECK(e.hints()[0].find("soft `devenv reset SERVICE`") != std::string::npos);
    }
    o.services.clear();
    CHECK(plan_reset(o) == std::vector<ResetStep>{ResetStep::down_volumes, ResetStep::up, ResetStep::seed});
}

TEST_CASE("run_reset_command: --hard with a service fails before touching anything") {
    Environment env;  // no engine is reached: the plan refuses first
    env.profile = profile_with_seed();
    ResetCommandOptions o;
    o.hard = true;
    o.services = {"db"};
    struct Rec : LifecycleObserver {
        int calls = 0;
        void note(const std::string&) override { ++calls; }
        void wait_started(const std::vector<std::string>&, const std::string&) override { ++calls; }
        void finished() override { ++calls; }
    } rec;
    CHECK_THROWS_AS(run_reset_command(env, o, rec), Error);
    CHECK(rec.calls == 0);
}

TEST_CASE("run_reset_command: --hard reads a bad --timeout before taking anything down") {
    Environment env;  // no engine is reached: the timeout is refused first
    env.profile = profile_with_seed();
    ResetCommandOptions o;
    o.hard = true;
    o.up_timeout = []() -> std::chrono::milliseconds { throw Error(ErrorKind::usage, "--timeout: bad"); };
    struct Rec : LifecycleObserver {
        int calls = 0;
        void note(const std::string&) override { ++calls; }
        void wait_started(const std::vector<std::string>&, const std::string&) override { ++calls; }
        void finished() override { ++calls; }
    } rec;
    std::optional<ErrorKind> kind;
    try {
        run_reset_command(env, o, rec);
    } catch (const Error& e) {
        kind = e.kind();
    }
    CHECK(kind == ErrorKind::usage);  // not an engine error from a down that ran first
    CHECK(rec.calls == 0);
}

TEST_CASE("seed_verdict: ok, failed resources counted, interruption first") {
    SeedRunResult r;
    r.command = "seed";
    CHECK_FALSE(seed_verdict(r, SeedMode::seed, false).has_value());

    r.ok = false;
    ServiceSeedSummary a, b;
    a.failed = 2;
    b.failed = 1;
    r.services = {a, b};
    auto e = seed_verdict(r, SeedMode::seed, false);
    REQUIRE(e);
    CHECK(e->kind() == ErrorKind::seed);
    CHECK(e->message() == "seed failed for 3 resources; the rest is in place");
    CHECK(e->hints().front().find("`devenv seed` again") != std::string::npos);

    r.command = "reset";
    r.services = {b};
    e = seed_verdict(r, SeedMode::reset, false);
    REQUIRE(e);
    CHECK(e->message() == "reset failed for 1 resource; the rest is in place");
    CHECK(e->hints().front().find("`devenv reset --hard`") != std::string::npos);

    e = seed_verdict(r, SeedMode::reset, true);
    REQUIRE(e);
    CHECK(e->kind() == ErrorKind::interrupted);
    CHECK(e->message() == "reset interrupted; what was done is kept");
}

TEST_CASE("open_command_environment: the recorded profile unless the command line chooses one") {
    TempProject t;
    t.write("devenv.yaml", kProject);
    t.write(".devenv/profiles/other.yaml", "name: other\nservices:\n  kv: {template: redis}\n");
    LoadOptions requested = t.options();
    requested.project_name = "";

    // Nothing recorded: the command line's choice (here the project's devenv.yaml).
    Environment env = open_command_environment(requested, true);
    CHECK(env.profile.name == "shop");

    // `up other` recorded: later commands reopen it...
    StateRecord rec;
    rec.profile = "other";
    rec.project = "recorded";
    write_state(state_dir(t.dir()), rec);
    env = open_command_environment(requested, true);
    CHECK(env.profile.name == "other");
    CHECK(env.profile.project == "recorded");
    // ... also when --project-name names the recorded project ...
    LoadOptions same = requested;
    same.project_name = "recorded";
    CHECK(open_command_environment(same, true).profile.name == "other");
    // ... but not `up` itself, another --project-name, or an explicit choice.
    CHECK(open_command_environment(requested, false).profile.name == "shop");
    LoadOptions another = requested;
    another.project_name = "elsewhere";
    CHECK(open_command_environment(another, true).profile.name == "shop");
    LoadOptions offset = requested;
    offset.port_offset = 4010;
    CHECK(open_command_environment(offset, true).profile.name == "shop");
    LoadOptions named = requested;
    named.profile = "other";
    CHECK(open_command_environment(named, true).profile.project != "recorded");
}

TEST_CASE("open_command_environment: nothing started here says so, and -p for a profile given as a service") {
    TempProject t;  // no devenv.yaml, no .devenv/state.json
    LoadOptions requested = t.options();
    requested.project_name = "";
    try {
        open_command_environment(requested, true);
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::profile);
        CHECK(e.message().starts_with("nothing was started here: "));
        CHECK(e.hints().front().find("`devenv up PROFILE` (built-in: aws, events, web") != std::string::npos);
    }
    try {
        open_command_environment(requested, true, {"web"});
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.message().starts_with("nothing was started here: "));
        CHECK(e.hints().front() == "'web' is a profile, not a service: name it with -p web (or start it: `devenv up web`)");
    }
    // A profile named on the command line is loaded as before.
    CHECK(open_command_environment(t.options("web"), true).profile.name == "web");
}

TEST_CASE("open_up_environment: `up` alone starts the recorded profile again, and lists changed variables") {
    TempProject t;
    t.write(".devenv/profiles/other.yaml", "name: other\nservices:\n  kv: {template: redis, with: {version: \"${KV_VERSION:-8}\"}}\n");
    LoadOptions requested = t.options();
    requested.project_name = "";
    // Nothing recorded and no devenv.yaml: what the command line says (here: nothing, an error).
    CHECK_THROWS_AS(open_up_environment(requested, false), Error);

    StateRecord rec;
    rec.profile = "other";
    rec.project = "recorded";
    rec.port_offset = 10;
    rec.env["KV_VERSION"] = "7";
    write_state(state_dir(t.dir()), rec);
    UpSelection s = open_up_environment(requested, false);  // KV_VERSION is unset in t.env
    CHECK(s.reused_record);
    CHECK(s.env.profile.name == "other");
    CHECK(s.env.profile.project == "recorded");
    CHECK(s.env.options.port_offset == 10);
    CHECK(s.env.profile.services[0].params.find("version")->text() == "7");  // the recorded value wins
    REQUIRE(s.differences.size() == 1);
    CHECK(s.differences[0].name == "KV_VERSION");
    CHECK(s.differences[0].recorded == std::optional<std::string>("7"));
    CHECK(s.differences[0].now == std::nullopt);

    // --current-env: this shell's values (unset: the profile's default).
    s = open_up_environment(requested, true);
    CHECK(s.current_env);
    CHECK(s.env.profile.services[0].params.find("version")->text() == "8");
    CHECK(s.differences.size() == 1);

    // The same value now: nothing to say.
    t.env["KV_VERSION"] = "7";
    CHECK(open_up_environment(requested, false).differences.empty());
    // An explicit choice is not the record.
    LoadOptions named = requested;
    named.profile = "other";
    s = open_up_environment(named, false);
    CHECK_FALSE(s.reused_record);
    CHECK(s.env.profile.project != "recorded");
}

TEST_CASE("check_service_names: unknown names are usage errors with a suggestion") {
    Profile p = profile_with_seed();
    Service cache;
    cache.name = "cache";
    p.services.push_back(cache);
    CHECK_NOTHROW(check_service_names({"db", "cache"}, p));
    CHECK_NOTHROW(check_service_names({}, p));
    try {
        check_service_names({"db", "cahce"}, p);
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(e.message() == "profile shop has no service 'cahce'");
        CHECK(e.hints().front() == "did you mean 'cache'?");
    }
    try {
        check_service_names({"zzzzzzzz"}, p);
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.hints().front() == "its services: db, cache");
    }
    try {
        check_service_names({"web"}, p);  // `devenv status web`
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.hints().front() == "'web' is a profile, not a service: did you mean -p web?");
    }
}

TEST_CASE("logs: stamped lines split, merged in time order, ties keep their order") {
    std::vector<LogLine> lines;
    split_stamped("2026-01-01T00:00:02.000000000Z second\r\n2026-01-01T00:00:04.000000000Z fourth\n", 0, lines);
    split_stamped("2026-01-01T00:00:01.000000000Z first\n2026-01-01T00:00:02.000000000Z tie\nbare", 1, lines);
    REQUIRE(lines.size() == 5);
    CHECK(lines[0].text == "second");  // \r dropped
    CHECK(lines[4].stamp == "bare");
    CHECK(lines[4].text.empty());
    merge_by_time(lines);
    std::vector<std::string> order;
    for (const auto& l : lines) order.push_back(l.text + "@" + std::to_string(l.source));
    CHECK(order == std::vector<std::string>{"first@1", "second@0", "tie@1", "fourth@0", "@1"});
}

TEST_CASE("exports: the chosen services', the seeded ones, project remaps winning in first position") {
    TempProject t;
    Environment env;
    env.dir = state_dir(t.dir());
    env.profile.project = "shop";
    Service db, cache;
    db.name = "db";
    db.exports = {{"DATABASE_URL", "postgres://a", true}, {"PGHOST", "127.0.0.1", false}};
    cache.name = "cache";
    cache.exports = {{"REDIS_URL", "redis://b", false}};
    env.profile.services = {db, cache};
    env.profile.exports = {{"DATABASE_URL", "postgres://remapped", true}, {"APP_CACHE", "redis://b", false}};
    StateRecord rec;
    rec.project = "shop";
    rec.seeded = {{"cache", {{"CACHE_TOKEN", "t0k"}, {"_reset", {{"x", 1}}}}}};
    write_state(env.dir, rec);

    auto names = [](const std::vector<Export>& v) {
        std::vector<std::string> out;
        for (const auto& e : v) out.push_back(e.name + "=" + e.value);
        return out;
    };
    CHECK(names(environment_exports(env, {})) ==
          std::vector<std::string>{"DATABASE_URL=postgres://remapped", "PGHOST=127.0.0.1", "REDIS_URL=redis://b",
                                   "CACHE_TOKEN=t0k", "APP_CACHE=redis://b"});
    // One service: its own and its seeded variables, no project remaps.
    CHECK(names(environment_exports(env, {"cache"})) == std::vector<std::string>{"REDIS_URL=redis://b", "CACHE_TOKEN=t0k"});

    ExportPlan shell = plan_exports(env, {"db"}, ExportFormat::shell);
    CHECK(shell.text == "export DATABASE_URL='postgres://a'\nexport PGHOST='127.0.0.1'\n");
    CHECK(shell.masks.empty());
    ExportPlan dotenv = plan_exports(env, {"db"}, ExportFormat::dotenv);
    CHECK(dotenv.text == "DATABASE_URL=postgres://a\nPGHOST=127.0.0.1\n");
    ExportPlan json = plan_exports(env, {}, ExportFormat::json);
    CHECK(json.text.empty());
    CHECK(json.variables.size() == 5);
    ExportPlan gh = plan_exports(env, {"db"}, ExportFormat::github);
    CHECK(gh.masks == "::add-mask::postgres://a\n");
    CHECK(gh.text.find("DATABASE_URL<<ghadelimiter_") == 0);
}

TEST_CASE("exports: an emulator's any-value credentials give way; other conflicts are reported") {
    TempProject t;
    Environment env;
    env.dir = state_dir(t.dir());
    Service aws, minio, db1, db2;
    aws.name = "aws";
    aws.exports = {{"AWS_ENDPOINT_URL", "http://localhost:4566"}, {"AWS_ACCESS_KEY_ID", "test", false, true},
                   {"AWS_SECRET_ACCESS_KEY", "test", false, true}};
    minio.name = "minio";
    minio.exports = {{"AWS_ACCESS_KEY_ID", "minioadmin"}, {"AWS_SECRET_ACCESS_KEY", "s3cret", true},
                     {"AWS_ENDPOINT_URL_S3", "http://localhost:9000"}};
    db1.name = "db1";
    db1.exports = {{"DATABASE_URL", "postgres://one"}};
    db2.name = "db2";
    db2.exports = {{"DATABASE_URL", "postgres://two"}};
    env.profile.services = {minio, aws, db1, db2};  // minio first: the emulator listed later still gives way
    auto value = [&](const std::string& name) {
        for (const auto& e : environment_exports(env, {}))
            if (e.name == name) return e.value;
        return std::string("(none)");
    };
    CHECK(value("AWS_ACCESS_KEY_ID") == "minioadmin");
    CHECK(value("AWS_SECRET_ACCESS_KEY") == "s3cret");
    CHECK(value("AWS_ENDPOINT_URL") == "http://localhost:4566");
    CHECK(value("AWS_ENDPOINT_URL_S3") == "http://localhost:9000");
    CHECK(value("DATABASE_URL") == "postgres://two");  // the later one, as before...
    auto conflicts = export_conflicts(env.profile);     // ... but said
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].name == "DATABASE_URL");
    CHECK(conflicts[0].used_service == "db2");
    CHECK(conflicts[0].lost_service == "db1");
    CHECK(conflicts[0].lost_value == "postgres://one");
    // The profile's own exports choose: no conflict.
    env.profile.exports = {{"DATABASE_URL", "postgres://one"}};
    CHECK(export_conflicts(env.profile).empty());
    CHECK(value("DATABASE_URL") == "postgres://one");
}

TEST_CASE("exports: quoting for eval and dotenv, GitHub entries that cannot be ended early") {
    CHECK(shell_quote("it's") == "'it'\\''s'");
    CHECK(dotenv_quote("plain") == "plain");
    CHECK(dotenv_quote("") == "''");
    CHECK(dotenv_quote("a b") == "'a b'");
    CHECK(dotenv_quote("it's $x") == "\"it's \\$x\"");
    CHECK(dotenv_quote("two\nlines") == "\"two\\nlines\"");
    std::string e = github_env_entry("K", "v\nEVIL=1");
    std::string delim = e.substr(3, e.find('\n') - 3);
    CHECK(delim.rfind("ghadelimiter_", 0) == 0);
    CHECK(e == "K<<" + delim + "\nv\nEVIL=1\n" + delim + "\n");
    CHECK(parse_export_format("dotenv") == ExportFormat::dotenv);
    CHECK_THROWS_AS(parse_export_format("yaml"), Error);
}

TEST_CASE("init_project: writes the starter, adds .devenv/ to .gitignore once, refuses to overwrite") {
    TempProject t;
    t.write(".gitignore", "build/");
    InitOptions o;
    o.chdir = t.dir();
    o.from = "web";
    std::vector<std::string> notes;
    auto note = [&](const std::string& s) { notes.push_back(s); };
    InitResult r = init_project(o, note);
    CHECK(r.shown == (std::filesystem::path(t.dir()) / "devenv.yaml").string());
    REQUIRE(notes.size() == 2);
    CHECK(notes[0] == "wrote " + r.shown + " (extends web)");
    CHECK(notes[1].rfind("added .devenv/ to ", 0) == 0);
    auto text = read_file(t.dir() + "/devenv.yaml");
    REQUIRE(text);
    CHECK(text->find("extends: web\n") != std::string::npos);
    CHECK(*read_file(t.dir() + "/.gitignore") == "build/\n# devenv's rendered Compose file, state and lock\n.devenv/\n");

    notes.clear();
    CHECK_THROWS_AS(init_project(o, note), Error);
    o.force = true;
    init_project(o, note);
    CHECK(notes.size() == 1);  // .gitignore already ignores .devenv/

    CHECK(ignores_devenv("x\n/.devenv/  \r\n"));
    CHECK_FALSE(ignores_devenv(".devenv-old\n"));
}

TEST_CASE("completion_candidates: profiles, templates, services, overlays; never an error") {
    TempProject t;
    t.write("devenv.yaml", std::string(kProject) + "overlays:\n  ci: {}\n");
    LoadOptions o = t.options();
    auto profiles = completion_candidates(o, "profiles");
    CHECK(std::find(profiles.begin(), profiles.end(), "aws") != profiles.end());
    auto templates = completion_candidates(o, "templates");
    CHECK(std::find(templates.begin(), templates.end(), "postgres") != templates.end());
    CHECK(completion_candidates(o, "services") == std::vector<std::string>{"db", "cache"});
    CHECK(completion_candidates(o, "overlays") == std::vector<std::string>{"ci"});
    CHECK(completion_candidates(o, "nonsense").empty());
    t.write("devenv.yaml", "name: [broken\n");
    CHECK(completion_candidates(o, "services").empty());
}

TEST_CASE("templates: the catalog, one described with its seed kinds, a near name suggested") {
    TempProject t;
    TemplateCatalog catalog = template_catalog(t.dir());
    const auto& list = catalog.templates;
    auto it = std::find_if(list.begin(), list.end(), [](const TemplateSummary& s) { return s.name == "redis"; });
    REQUIRE(it != list.end());
    CHECK_FALSE(it->description.empty());
    Value doc = template_document(t.dir(), "redis");
    CHECK(value_text(doc.find("description")) == it->description);
    auto kinds = [](const std::vector<SeedKindSummary>& v) {
        std::vector<std::string> out;
        for (const auto& k : v) out.push_back(k.name);
        return out;
    };
    std::vector<std::string> all = kinds(catalog.seed_kinds);
    CHECK(std::find(all.begin(), all.end(), "postgres") != all.end());
    CHECK(std::find(all.begin(), all.end(), "exec") != all.end());
    TemplateDescription d = describe_template(t.dir(), "redis");
    CHECK(d.name == "redis");
    CHECK(kinds(d.seed_kinds) == std::vector<std::string>{"redis", "exec"});
    CHECK_FALSE(d.seed_kinds.front().summary.empty());
    try {
        template_document(t.dir(), "redsi");
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(e.hints().front() == "did you mean 'redis'?");
    }
    CHECK(value_text(nullptr).empty());
}

TEST_CASE("doctor_exit_code: engine or Compose 3, another failed check 1") {
    DoctorReport r;
    r.engine_ok = r.compose_ok = true;
    CHECK(doctor_exit_code(r) == ExitCode::ok);
    r.checks.push_back({"disk", DoctorCheck::State::fail, "full", "free some"});
    CHECK(doctor_exit_code(r) == ExitCode::failure);
    r.compose_ok = false;
    CHECK(doctor_exit_code(r) == ExitCode::engine);
}

}

// ui/ rendering: each view writes into a captured Ui and is compared with what the user sees.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "ui/catalog_view.hpp"
#include "ui/cli_spec.hpp"
#include "ui/config_view.hpp"
#include "ui/doctor_view.hpp"
#include "ui/env_view.hpp"
#include "ui/init_view.hpp"
#include "ui/lifecycle_view.hpp"
#include "ui/logs_view.hpp"
#include "ui/mask.hpp"
#include "ui/progress.hpp"
#include "ui/seed_report.hpp"
#include "yaml/yaml.hpp"

using namespace devenv;

namespace {

// A Ui whose stdout and stderr are strings.
struct Captured {
    std::string out, err;
    Ui ui;
    explicit Captured(UiOptions o = {})
        : ui(plain(o), UiSink{[this](std::string_view s) { out += s; }, [this](std::string_view s) { err += s; }}) {}
    static UiOptions plain(UiOptions o) {
        o.color = false;
        o.tty = false;
        return o;
    }
};

UiOptions json_mode() {
    UiOptions o;
    o.json = true;
    return o;
}
UiOptions quiet_mode() {
    UiOptions o;
    o.quiet = true;
    return o;
}

Profile shop() {
    Profile p;
    p.name = "shop";
    p.project = "shop-dev";
    Service db;
    db.name = "db";
    db.exports = {{"DATABASE_URL", "postgres://app:hunter22@127.0.0.1:5432/app", true}};
    db.secrets = {"hunter22"};
    Service cache;
    cache.name = "cache";
    p.services = {db, cache};
    return p;
}

UpResult up_result() {
    UpResult r;
    r.took = std::chrono::milliseconds(2500);
    ServiceOutcome db;
    db.name = "db";
    db.ready = true;
    db.ready_after = std::chrono::milliseconds(1200);
    r.wait.services.push_back(db);
    r.wait.ok = true;
    return r;
}

SeedRunResult seed_result(bool ok) {
    SeedRunResult r;
    r.command = "seed";
    r.ok = ok;
    r.took = std::chrono::milliseconds(300);
    ServiceSeedSummary s;
    s.service = "db";
    s.created = 2;
    s.failed = ok ? 0 : 1;
    s.took = std::chrono::milliseconds(250);
    r.services.push_back(s);
    if (!ok) r.results.push_back({"db", "postgres", "database app", Outcome::failed, "password hunter22 refused"});
    return r;
}

}  // namespace

TEST_SUITE("ui") {

TEST_CASE("Ui: results to stdout, notes to stderr, --quiet drops notes, a newline ends every write") {
    Captured c;
    c.ui.out("result");
    c.ui.note("note\n");
    c.ui.verbose("hidden");
    c.ui.warn("careful");
    CHECK(c.out == "result\n");
    CHECK(c.err == "note\nwarning: careful\n");
    Captured q(quiet_mode());
    q.ui.note("dropped");
    q.ui.out("kept");
    CHECK(q.err.empty());
    CHECK(q.out == "kept\n");
}

TEST_CASE("LifecycleView for up: summary, the already-applied note, failures as they land, next steps") {
    Profile p = shop();
    Captured c;
    LifecycleView v(c.ui, p, LifecycleView::Command::up);
    v.wait_started(p.service_names(), "up");
    v.wait_note("starting 2 services");
    v.wait_finished();
    v.up_done(up_result());
    v.up_seed_decided(UpSeed::already_applied);
    v.resource({"db", "postgres", "database app", Outcome::created, ""});  // only with -v
    v.resource({"db", "postgres", "role hunter22", Outcome::failed, "nope"});
    v.finished();
    CHECK(c.out ==
          "shop is up in 2.5 s\n"
          "  db               ready in 1.2 s   postgres://app:********@127.0.0.1:5432/app\n"
          "next: eval \"$(devenv env)\" to export the connection variables; devenv status; devenv reset; devenv down\n");
    CHECK(c.err.find("starting 2 services") != std::string::npos);
    // A profile exporting AWS_ENDPOINT_URL: the --endpoint-url form for AWS CLIs before 2.13.
    Profile aws = shop();
    aws.services[1].exports = {{"AWS_ENDPOINT_URL", "http://localhost:4566"}, {"AWS_ENDPOINT_URL_S3", "http://localhost:9000"}};
    CHECK(up_next_steps(aws) ==
          "next: eval \"$(devenv env)\" to export the connection variables; devenv status; devenv reset; devenv down\n"
          "  AWS CLI before 2.13 ignores AWS_ENDPOINT_URL: aws --endpoint-url http://localhost:4566 sts get-caller-identity\n"
          "  AWS CLI before 2.13 ignores AWS_ENDPOINT_URL_S3: aws --endpoint-url http://localhost:9000 s3 ls");
    CHECK(c.err.find("seed: already applied (devenv seed checks it again)\n") != std::string::npos);
    CHECK(c.err.find("role ******** failed: nope") != std::string::npos);
    CHECK(c.err.find("database app") == std::string::npos);
}

TEST_CASE("LifecycleView --json: up and seed as event lines, notes as JSON, nothing on stderr") {
    Profile p = shop();
    Captured c(json_mode());
    LifecycleView v(c.ui, p, LifecycleView::Command::up);
    v.wait_started(p.service_names(), "up");
    v.wait_note("starting");
    v.wait_finished();
    v.up_done(up_result());
    v.up_seed_decided(UpSeed::already_applied);
    v.resource({"db", "postgres", "x", Outcome::failed, ""});
    v.seed_done(seed_result(false));
    v.finished();
    CHECK(c.err.empty());
    std::vector<nlohmann::json> lines;
    std::size_t pos = 0;
    while (pos < c.out.size()) {
        std::size_t nl = c.out.find('\n', pos);
        lines.push_back(nlohmann::json::parse(c.out.substr(pos, nl - pos)));
        pos = nl + 1;
    }
    REQUIRE(lines.size() == 3);
    CHECK(lines[0]["event"] == "note");
    CHECK(lines[0]["command"] == "up");
    CHECK(lines[1]["event"] == "up");
    CHECK(lines[1]["already_up"] == false);
    CHECK(lines[2]["event"] == "seed");
    CHECK(lines[2]["ok"] == false);
    CHECK(c.out.find("hunter22") == std::string::npos);  // masked in the detail
}

TEST_CASE("LifecycleView for seed and reset: one document, the summary unless quiet and fine") {
    Profile p = shop();
    Captured j(json_mode());
    LifecycleView(j.ui, p, LifecycleView::Command::seed).seed_done(seed_result(true));
    CHECK(j.out.find("\n  \"command\": \"seed\"") != std::string::npos);  // indented, no event key
    CHECK(j.out.find("\"event\"") == std::string::npos);

    Captured q(quiet_mode());
    LifecycleView qv(q.ui, p, LifecycleView::Command::reset);
    qv.seed_done(seed_result(true));
    CHECK(q.out.empty());
    qv.seed_done(seed_result(false));
    CHECK(q.out.find("seed incomplete after") == 0);
    CHECK(q.out.find("password ******** refused") != std::string::npos);

    // reset --hard: its up shows no table and no next steps; the down note goes straight out.
    Captured r;
    LifecycleView rv(r.ui, p, LifecycleView::Command::reset);
    rv.note("stopping project shop-dev and removing its volumes");
    rv.up_done(up_result());
    rv.finished();
    CHECK(r.out.empty());
    CHECK(r.err == "stopping project shop-dev and removing its volumes\n");
}

TEST_CASE("LogsView: a service prefix only with several, --timestamps, secrets masked") {
    Profile p = shop();
    ContainerInfo db, cache;
    db.service = "db";
    cache.service = "cache";
    std::vector<LogLine> lines = {{"2026-01-01T00:00:01Z", 0, "ready"}, {"2026-01-01T00:00:02Z", 1, "pw hunter22"}};
    Captured two;
    LogsView v(two.ui, p, false);
    v.sources({db, cache});
    v.lines(lines);
    CHECK(two.out == "db    | ready\ncache | pw ********\n");

    Captured one;
    LogsView w(one.ui, p, true);
    w.sources({db});
    w.followed({lines[0]});
    CHECK(one.out == "2026-01-01T00:00:01Z ready\n");
    w.lines({});
    CHECK(one.out == "2026-01-01T00:00:01Z ready\n");  // nothing to show, nothing written
    w.source_failed(db, Error(ErrorKind::engine, "stream ended"));
    CHECK(one.err == "warning: db: stream ended\n");
}

TEST_CASE("env view: masks first, the variables, or where they went") {
    ExportPlan plan;
    plan.project = "shop-dev";
    plan.format = ExportFormat::github;
    plan.variables = {{"A", "1", false}, {"B", "2", true}};
    plan.text = "A<<d\n1\nd\n";
    plan.masks = "::add-mask::2\n";
    Captured c;
    show_export_masks(c.ui, plan);
    show_exports(c.ui, plan);
    CHECK(c.out == "::add-mask::2\nA<<d\n1\nd\n");
    plan.github_env = "/tmp/gh-env";
    Captured g;
    show_exports(g.ui, plan);
    CHECK(g.out.empty());
    CHECK(g.err == "appended 2 variables to /tmp/gh-env\n");
    plan.format = ExportFormat::json;
    CHECK(exports_json(plan) == "{\n  \"schema_version\": 1,\n  \"project\": \"shop-dev\",\n  \"variables\": {\n"
                                "    \"A\": \"1\",\n    \"B\": \"2\"\n  }\n}");
}

TEST_CASE("status: table or JSON, masked") {
    Profile p = shop();
    StatusReport r;
    r.project = "shop-dev";
    r.profile = "shop";
    ServiceStatus db;
    db.name = "db";
    db.has_container = true;
    db.container.state = "running";
    db.probe.detail = "auth failed for hunter22";
    r.services = {db};
    Captured c;
    std::string text = render_status(c.ui, r, p);
    CHECK(text.find("profile shop (project shop-dev)\n") == 0);
    CHECK(text.find("failing   auth failed for ********") != std::string::npos);
    CHECK(text.find("not all services are ready") != std::string::npos);
    Captured j(json_mode());
    auto doc = nlohmann::json::parse(render_status(j.ui, r, p));
    CHECK(doc["ready"] == false);
    CHECK(doc["services"][0]["probe"]["detail"] == "auth failed for ********");
}

TEST_CASE("up with no profile: what it took from the record, each variable that differs") {
    UpSelection s;
    s.env.options.profile = "aws";
    s.env.options.sets = {"a=1", "b=2"};
    s.env.options.port_offset = 20;
    s.env.profile.project = "demo";
    CHECK(up_selection_notes(s).empty());  // not reused: nothing to say
    s.reused_record = true;
    s.differences = {{"AWS_EMULATOR", "moto", std::nullopt}, {"DB_PASSWORD", "one", "two"}};
    auto notes = up_selection_notes(s);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0] == "starting again what the last `up` here recorded (.devenv/state.json): profile aws, 2 --set values, "
                      "--port-offset 20, project demo; name a profile (`devenv up PROFILE ...`) to choose anew");
    auto w = up_selection_warnings(s);
    REQUIRE(w.size() == 2);
    CHECK(w[0] == "AWS_EMULATOR was 'moto' at the recorded `up` and is unset now: using the recorded 'moto'; "
                  "`devenv up --current-env` takes this shell's");
    CHECK(w[1] == "DB_PASSWORD differs from its value at the recorded `up`: using the recorded value; "
                  "`devenv up --current-env` takes this shell's");
    s.current_env = true;
    w = up_selection_warnings(s);
    CHECK(w[0] == "AWS_EMULATOR was 'moto' at the recorded `up` and is unset now: using this shell's: unset (--current-env)");
    CHECK(w[1].find("two") == std::string::npos);
}

TEST_CASE("seed summary lines") {
    Captured c;
    CHECK(format_seed_summary(c.ui, seed_result(true)) ==
          "seed done in 300 ms\n  db               2 created, 0 updated, 0 unchanged, 0 failed  in 250 ms\n");
    // Exec steps that ran are not changes: a run with nothing else changed says so.
    SeedRunResult again;
    again.command = "seed";
    again.took = std::chrono::milliseconds(40);
    ServiceSeedSummary cache{.service = "cache", .unchanged = 4, .took = std::chrono::milliseconds(30)};
    cache.ran = 1;
    ServiceSeedSummary quiet{.service = "db", .took = std::chrono::milliseconds(10)};
    quiet.ran = 2;
    ServiceSeedSummary mixed{.service = "aws", .created = 1, .unchanged = 2, .took = std::chrono::milliseconds(20)};
    mixed.ran = 1;
    again.services = {cache, quiet, mixed};
    CHECK(format_seed_summary(c.ui, again) ==
          "seed done in 40 ms\n"
          "  cache            nothing changed (1 exec step ran, 4 unchanged)  in 30 ms\n"
          "  db               nothing changed (2 exec steps ran)  in 10 ms\n"
          "  aws              1 created, 0 updated, 2 unchanged, 1 exec step ran, 0 failed  in 20 ms\n");
    auto doc = nlohmann::json::parse(seed_json(again, -1));
    CHECK(doc["services"][0]["ran"] == 1);
    CHECK(doc["services"][0]["updated"] == 0);
    SeedRunResult none;
    none.command = "reset";
    CHECK(format_seed_summary(c.ui, none) == "reset: nothing is declared to seed\n");
}

TEST_CASE("catalog: profiles table, templates, one template, version") {
    Captured c;
    std::vector<ProfileInfo> list = {{"aws", "built-in", "AWS emulator"}, {"mine-longer", "devenv.yaml", "mine"}};
    CHECK(format_profiles(c.ui, list) ==
          "NAME         SOURCE       DESCRIPTION\n"
          "aws          built-in     AWS emulator\n"
          "mine-longer  devenv.yaml  mine\n");
    TemplateCatalog catalog{{{"redis", "Redis 8"}}, {{"redis", "kv", "keys and values"}, {"exec", "builtin", "commands"}}};
    CHECK(format_templates(c.ui, catalog) ==
          "redis               Redis 8\n"
          "\nseed kinds:\n"
          "  redis             keys and values\n"
          "  exec              commands\n");
    TemplateDescription t{"redis",
                          parse_yaml("description: Redis 8\nparams:\n  port: {type: int, default: 6379, description: host port}\n"
                                     "  password: {type: string, description: auth}\nexports:\n  REDIS_URL: x\nseeds: [redis]\n",
                                     "redis.yaml", ""),
                          {{"redis", "kv", "keys and values"}, {"exec", "builtin", "commands"}}};
    CHECK(format_template(c.ui, t) ==
          "redis: Redis 8\n\nparameters:\n"
          "  port                 int       default 6379                         host port\n"
          "  password             string    default -                            auth\n"
          "\nexports:\n  REDIS_URL\n\nseed kinds:\n  redis             keys and values\n  exec              commands\n");
    t.seed_kinds.clear();
    CHECK(format_template(c.ui, t).find("seed kinds") == std::string::npos);
    CHECK(format_version(c.ui, "1.2.3") == "devenv 1.2.3");
    Captured j(json_mode());
    CHECK(format_version(j.ui, "1.2.3") == "{\n  \"schema_version\": 1,\n  \"version\": \"1.2.3\"\n}");
    auto doc = nlohmann::json::parse(format_profiles(j.ui, list));
    CHECK(doc["profiles"][1]["source"] == "devenv.yaml");
    auto tj = nlohmann::json::parse(format_templates(j.ui, catalog));
    CHECK(tj["seed_kinds"][0] == nlohmann::json{{"name", "redis"}, {"family", "kv"}, {"summary", "keys and values"}});
    CHECK(nlohmann::json::parse(format_template(j.ui, t))["template"]["description"] == "Redis 8");
}

TEST_CASE("config: the resolved profile as YAML or JSON, secrets masked unless --show-secrets") {
    Profile p = shop();
    p.services[0].exports[0].value = "postgres://app:hunter22@db/app";
    p.services[0].probe.kind = "postgres";
    Captured c;
    std::string yaml = format_config(c.ui, p);
    CHECK(yaml.find("name: shop\n") == 0);
    CHECK(yaml.find("DATABASE_URL: postgres://app:********@db/app") != std::string::npos);
    UiOptions show;
    show.show_secrets = true;
    Captured s(show);
    CHECK(format_config(s.ui, p).find("hunter22") != std::string::npos);
    Captured j(json_mode());
    auto doc = nlohmann::json::parse(format_config(j.ui, p));
    CHECK(doc["schema_version"] == 1);
    CHECK(doc["profile"]["services"]["db"]["probe"]["kind"] == "postgres");
}

TEST_CASE("doctor: marks and fixes, the closing line, JSON") {
    DoctorRun run;
    run.report.engine_ok = run.report.compose_ok = true;
    run.report.checks = {{"engine", DoctorCheck::State::ok, "Docker 27", ""},
                         {"disk", DoctorCheck::State::fail, "1 GB free", "free some space"},
                         {"localstack_token", DoctorCheck::State::skip, "no LocalStack", ""}};
    Captured c;
    CHECK(format_doctor(c.ui, run) ==
          "ok    engine           Docker 27\n"
          "FAIL  disk             1 GB free\n"
          "                       fix: free some space\n"
          "skip  localstack_token no LocalStack\n"
          "some checks failed: see fix: above\n");
    Captured j(json_mode());
    auto doc = nlohmann::json::parse(format_doctor(j.ui, run));
    CHECK(doc["ok"] == false);
    CHECK(doc["profile"].is_null());
    CHECK(doc["checks"][1]["fix"] == "free some space");
    CHECK(doc["checks"][0]["fix"].is_null());
}

TEST_CASE("init's closing line") {
    CHECK(init_next_steps(InitResult{"devenv.yaml"}) == "next: edit devenv.yaml, then `devenv doctor` and `devenv up`");
}

TEST_CASE("cli_spec: completion scripts and the man page from the command line as data") {
    CliSpec spec;
    spec.name = "devenv";
    OptionSpec dir{{"-C", "--directory"}, false, true, false, "DIR", "Run in DIR", ValueKind::dirs, {}};
    spec.globals = {dir};
    CommandSpec env;
    env.name = "env";
    env.description = "Connection variables";
    env.options = {{{"--format"}, false, true, false, "FORMAT", "Output format", ValueKind::choices, {"shell", "json"}},
                   {{"-p", "--profile"}, false, true, false, "PROFILE", "Profile", ValueKind::profiles, {}}};
    env.positionals = {{{"services"}, true, true, true, "SERVICE", "Only these", ValueKind::services, {}}};
    spec.commands = {env};

    std::string bash = bash_completion(spec);
    CHECK(bash.find("        env:--format) words='shell json' ;;\n") != std::string::npos);
    CHECK(bash.find("        env:) words=$(command \"${COMP_WORDS[0]}\" __complete services 2>/dev/null) ;;\n") !=
          std::string::npos);
    CHECK(bash.find("        env:--format|env:-p|env:--profile) return 0 ;;\n") != std::string::npos);
    CHECK(bash.find("complete -F _devenv devenv\n") != std::string::npos);
    std::string zsh = zsh_completion(spec);
    CHECK(zsh.rfind("#compdef devenv\n", 0) == 0);
    CHECK(zsh.find("        env:--format) compadd -- shell json ;;\n") != std::string::npos);
    std::string fish = fish_completion(spec);
    CHECK(fish.find("complete -c devenv -n '__fish_seen_subcommand_from env' -l format -x -a 'shell json' -d 'Output format'\n") !=
          std::string::npos);
    CHECK(fish.find("complete -c devenv -s C -l directory -x -a '(__fish_complete_directories (commandline -ct))'") !=
          std::string::npos);
    std::string man = man_page(spec, "9.9");
    CHECK(man.rfind(".TH DEVENV 1 \"\" \"devenv 9.9\" \"User Commands\"\n", 0) == 0);
    CHECK(man.find(".SS devenv env [OPTIONS] [SERVICE...]\n") != std::string::npos);
    CHECK(man.find(".B \\-\\-format FORMAT\nOutput format\nOne of: shell, json.\n") != std::string::npos);
    CHECK(exit_codes_help().rfind("Exit codes:\n  0    success\n", 0) == 0);
    CHECK(exit_code_table().back().code == 143);
}

}

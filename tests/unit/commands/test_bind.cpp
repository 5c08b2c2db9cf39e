// Option binding: argv parsed through the same CLI11 definitions the app uses, checked in the
// structs the cores in lifecycle/ receive. No callback runs, no engine is needed.
#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include "../profile/project_fixture.hpp"
#include "commands/bind.hpp"
#include "commands/context.hpp"
#include "commands/describe_cli.hpp"

using namespace devenv;

namespace {

// The top-level app as run_app sets it up, with the global options bound into `g`.
struct Cli {
    CLI::App app{"devenv test", "devenv"};
    GlobalOptions g;
    Cli() { bind_app(app, g); }
    void parse(std::vector<std::string> args) {
        std::reverse(args.begin(), args.end());  // CLI11 takes them last first
        app.parse(args);
    }
};

}  // namespace

TEST_SUITE("commands") {

TEST_CASE("up: profile, --build, --no-seed, --allow-remote; globals before or after the command") {
    Cli c;
    UpArgs a;
    bind_up(c.app, a);
    c.parse({"--port-offset", "4001", "up", "web", "--build", "--no-seed", "--timeout", "2m", "--set", "x.y=1"});
    CHECK(a.profile == "web");
    CHECK(a.options.build);
    CHECK(a.options.no_seed);
    CHECK_FALSE(a.options.allow_remote);
    CHECK(c.g.port_offset == 4001);
    CHECK(c.g.timeout == std::optional<std::string>("2m"));
    CHECK(c.g.sets == std::vector<std::string>{"x.y=1"});

    Cli d;
    UpArgs b;
    bind_up(d.app, b);
    d.parse({"up", "--allow-remote"});
    CHECK(b.profile.empty());
    CHECK_FALSE(b.options.build);
    CHECK_FALSE(b.options.no_seed);
    CHECK(b.options.allow_remote);
}

TEST_CASE("up --pull POLICY; pull [PROFILE] --missing with the globals") {
    Cli c;
    UpArgs a;
    bind_up(c.app, a);
    c.parse({"up", "--pull", "never"});
    CHECK(a.options.pull == PullPolicy::never);
    Cli d;
    UpArgs b;
    bind_up(d.app, b);
    d.parse({"up"});
    CHECK(b.options.pull == PullPolicy::missing);
    Cli e;
    UpArgs bad;
    bind_up(e.app, bad);
    CHECK_THROWS_AS(e.parse({"up", "--pull", "sometimes"}), CLI::ValidationError);

    Cli f;
    PullArgs p;
    bind_pull(f.app, p);
    f.parse({"pull", "web", "--missing", "--overlay", "dev", "--set", "services.db.image=x:1"});
    CHECK(p.profile == "web");
    CHECK(p.options.missing_only);
    CHECK(f.g.overlays == std::vector<std::string>{"dev"});
    CHECK(f.g.sets == std::vector<std::string>{"services.db.image=x:1"});
}

TEST_CASE("--help of a command lists the global options it reads; an unknown option gets 'did you mean'") {
    Cli c;
    UpArgs up;
    TemplatesArgs t;
    bind_up(c.app, up);
    bind_templates(c.app, t);
    std::string help = c.app.get_subcommand("up")->help();
    for (const char* o : {"--overlay", "--set", "--port-offset", "--project-name", "--timeout", "--json", "-C", "--build",
                          "--current-env"})
        CHECK_MESSAGE(help.find(o) != std::string::npos, o);
    CHECK(help.find("Global options (before or after the command)") != std::string::npos);
    std::string templates = c.app.get_subcommand("templates")->help();
    CHECK(templates.find("--json") != std::string::npos);
    CHECK(templates.find("--port-offset") == std::string::npos);
    CHECK(templates.find("--timeout") == std::string::npos);
    CHECK(global_option_applies("status", "set"));
    CHECK_FALSE(global_option_applies("status", "timeout"));
    CHECK(global_option_applies("a-new-command", "timeout"));

    try {
        c.parse({"up", "aws", "--overlya", "dev"});
        FAIL("expected a parse error");
    } catch (const CLI::ParseError& e) {
        Error err = unexpected_arguments_error(c.app, e);
        CHECK(err.kind() == ErrorKind::usage);
        CHECK(err.message() == "`devenv up` has no option --overlya");
        CHECK(err.hints().front() == "did you mean --overlay?");
    }
    Cli d;
    UpArgs up2;
    bind_up(d.app, up2);
    try {
        d.parse({"up", "--no-sed"});
        FAIL("expected a parse error");
    } catch (const CLI::ParseError& e) {
        CHECK(unexpected_arguments_error(d.app, e).hints().front() == "did you mean --no-seed?");
    }
    Error unknown = unknown_command_error(c.app, {"--timeout", "2m", "upp", "aws"});
    CHECK(unknown.message() == "no command 'upp'");
    CHECK(unknown.hints().front() == "did you mean `devenv up`?");
}

TEST_CASE("reset: services, --hard, --allow-remote, -p") {
    Cli c;
    ResetArgs a;
    bind_reset(c.app, a);
    c.parse({"reset", "db", "cache", "--hard", "-p", "web"});
    CHECK(a.options.services == std::vector<std::string>{"db", "cache"});
    CHECK(a.options.hard);
    CHECK_FALSE(a.options.allow_remote);
    CHECK(a.profile == "web");
}

TEST_CASE("seed: --only becomes the kind filter, absent means every kind") {
    Cli c;
    SeedArgs a;
    bind_seed(c.app, a);
    c.parse({"seed", "db", "--only", "postgres", "--force"});
    SeedRunOptions o = a.seed_options();
    CHECK(o.services == std::vector<std::string>{"db"});
    CHECK(o.only_kind == std::optional<std::string>("postgres"));
    CHECK(o.force);
    CHECK_FALSE(o.allow_remote);

    Cli d;
    SeedArgs b;
    bind_seed(d.app, b);
    d.parse({"seed", "--allow-remote"});
    CHECK_FALSE(b.seed_options().only_kind.has_value());
    CHECK(b.seed_options().allow_remote);

    // --only takes the kinds of the table.
    Cli e;
    SeedArgs f;
    bind_seed(e.app, f);
    CHECK_THROWS_AS(e.parse({"seed", "--only", "nosuch"}), CLI::ValidationError);
}

TEST_CASE("logs: -n N is the tail, none or a negative one means all; -f, -t") {
    Cli c;
    LogsArgs a;
    bind_logs(c.app, a);
    c.parse({"logs", "-f", "-n", "5", "-t", "db"});
    LogsOptions o = a.logs_options();
    CHECK(o.follow);
    CHECK(o.tail == std::optional<int>(5));
    CHECK(o.services == std::vector<std::string>{"db"});
    CHECK(a.timestamps);

    Cli d;
    LogsArgs b;
    bind_logs(d.app, b);
    d.parse({"logs", "--tail=-3"});
    CHECK_FALSE(b.logs_options().tail.has_value());
    CHECK_FALSE(b.logs_options().follow);
}

TEST_CASE("env: --format is checked by the parser") {
    Cli c;
    EnvArgs a;
    bind_env(c.app, a);
    c.parse({"env", "db", "--format", "github"});
    CHECK(a.format == "github");
    CHECK(a.services == std::vector<std::string>{"db"});
    CHECK(parse_export_format(a.format) == ExportFormat::github);

    Cli d;
    EnvArgs b;
    bind_env(d.app, b);
    CHECK_THROWS_AS(d.parse({"env", "--format", "yaml"}), CLI::ValidationError);
    Cli e;
    EnvArgs f;
    bind_env(e.app, f);
    e.parse({"env"});
    CHECK(f.format == "shell");
}

TEST_CASE("wait, status, down, init, doctor, render, completion") {
    Cli c;
    ServicesArgs w, s;
    DownArgs dn;
    InitArgs in;
    ProfileArgs doc;
    RenderArgs r;
    CompletionArgs comp;
    bind_wait(c.app, w);
    bind_status(c.app, s);
    bind_down(c.app, dn);
    bind_init(c.app, in);
    bind_doctor(c.app, doc);
    bind_render(c.app, r);
    bind_completion(c.app, comp);
    c.parse({"wait", "db", "-p", "web"});
    CHECK(w.services == std::vector<std::string>{"db"});
    CHECK(w.profile == "web");
    c.parse({"down", "--volumes"});
    CHECK(dn.volumes);
    c.parse({"init", "--from", "events", "--force", "-C", "/tmp"});
    CHECK(in.options.from == "events");
    CHECK(in.options.force);
    CHECK(c.g.chdir == "/tmp");
    c.parse({"doctor", "aws"});
    CHECK(doc.profile == "aws");
    c.parse({"render", "web", "-o", "out.yaml"});
    CHECK(r.profile == "web");
    CHECK(r.output == "out.yaml");
    c.parse({"completion", "zsh"});
    CHECK(comp.shell == "zsh");
    CHECK_THROWS_AS(c.parse({"completion", "tcsh"}), CLI::ValidationError);
    InitArgs defaults;
    CHECK(defaults.options.from == "aws");
}

TEST_CASE("a command is required; unknown options are parse errors") {
    Cli c;
    UpArgs a;
    bind_up(c.app, a);
    CHECK_THROWS_AS(c.parse({}), CLI::RequiredError);
    CHECK_THROWS_AS(c.parse({"up", "--no-such"}), CLI::ParseError);
}

TEST_CASE("Context: --timeout parsed or a usage error; load options from the globals") {
    Context ctx;
    CHECK(ctx.timeout(std::chrono::minutes(5)) == std::chrono::minutes(5));
    ctx.global.timeout = "90s";
    CHECK(ctx.timeout(std::chrono::minutes(5)) == std::chrono::seconds(90));
    ctx.global.timeout = "soon";
    try {
        ctx.timeout(std::chrono::minutes(5));
        FAIL("expected a usage error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(std::string(e.message()).rfind("--timeout: ", 0) == 0);
    }

    devenv::test::TempProject t;
    t.write("devenv.yaml", "name: shop\nservices:\n  db: {template: postgres}\n");
    ctx.global.chdir = t.dir();
    ctx.global.overlays = {"ci"};
    ctx.global.sets = {"a=b"};
    ctx.global.port_offset = 7;
    ctx.global.project_name = "p";
    LoadOptions o = ctx.load_options("web");
    CHECK(o.project_dir == t.dir());
    CHECK(o.profile == "web");
    CHECK(o.overlays == std::vector<std::string>{"ci"});
    CHECK(o.sets == std::vector<std::string>{"a=b"});
    CHECK(o.port_offset == 7);
    CHECK(o.project_name == "p");

    Context plain;
    plain.global.chdir = t.dir();
    CHECK(plain.open("", true, {"db"}).profile.name == "shop");
    CHECK_THROWS_AS(plain.open("", true, {"dbb"}), Error);
}

TEST_CASE("describe_cli reads the bound options: kinds, choices, positionals, hidden commands left out") {
    Cli c;
    EnvArgs e;
    UpArgs u;
    LogsArgs l;
    bind_env(c.app, e);
    bind_up(c.app, u);
    bind_logs(c.app, l);
    c.app.add_subcommand("__hidden", "")->group("");
    CliSpec spec = describe_cli(c.app);
    REQUIRE(spec.commands.size() == 3);
    CHECK(spec.commands[0].name == "env");
    const auto& env = spec.commands[0];
    auto format = std::find_if(env.options.begin(), env.options.end(),
                               [](const OptionSpec& o) { return o.names.back() == "--format"; });
    REQUIRE(format != env.options.end());
    CHECK(format->kind == ValueKind::choices);
    CHECK(format->choices == std::vector<std::string>{"shell", "dotenv", "json", "github"});
    REQUIRE(env.positionals.size() == 1);
    CHECK(env.positionals[0].kind == ValueKind::services);
    CHECK(env.positionals[0].repeatable);
    const auto& up = spec.commands[1];
    REQUIRE(up.positionals.size() == 1);
    CHECK(up.positionals[0].kind == ValueKind::profiles);
    CHECK(up.positionals[0].type_name == "PROFILE");
    for (const auto& o : up.options) {
        if (o.names.back() == "--pull") {  // the one option with a value: a choice, completed as such
            CHECK(o.kind == ValueKind::choices);
            CHECK(o.choices == std::vector<std::string>{"always", "missing", "never"});
        } else {
            CHECK_FALSE(o.takes_value);  // flags
        }
    }
    const auto& logs = spec.commands[2];
    auto tail = std::find_if(logs.options.begin(), logs.options.end(),
                             [](const OptionSpec& o) { return o.names.front() == "-n"; });
    REQUIRE(tail != logs.options.end());
    CHECK(tail->names == std::vector<std::string>{"-n", "--tail"});
    CHECK(tail->type_name == "N");
    auto dir = std::find_if(spec.globals.begin(), spec.globals.end(),
                            [](const OptionSpec& o) { return o.names.back() == "--directory"; });
    REQUIRE(dir != spec.globals.end());
    CHECK(dir->kind == ValueKind::dirs);
}

}

// The check of seed blocks through the table of seed kinds (seed/check.cpp), on profiles loaded
// the way every command loads them (load_checked_profile), and the table's own invariants.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "../profile/project_fixture.hpp"
#include "assets/assets.hpp"
#include "seed/check.hpp"
#include "seed/kinds.hpp"
#include "test_helpers.hpp"
#include "yaml/yaml.hpp"

using namespace devenv;
using devenv::test::TempProject;

namespace {
std::string error_of(const LoadOptions& o) {
    return test::shown_error_of([&] { load_checked_profile(o); });
}
}  // namespace

TEST_SUITE("seed.served") {
    // An emulator template that serves only the listed AWS services (as localstack's SERVICES).
    constexpr const char* kEmu =
        "template: emu\ndescription: d\nparams:\n  services: {type: list, default: [sqs, s3]}\n"
        "service: {image: emu}\nseeds: [dynamodb, sqs, s3, cognito]\nserves: \"${services}\"\n";

    TEST_CASE("a seed of an AWS service the emulator does not serve is a profile error at the block") {
        TempProject p;
        p.write(".devenv/templates/emu.yaml", kEmu);
        p.write("devenv.yaml",
                "services:\n  aws: {template: emu}\nseed:\n  aws:\n    sqs: {queues: [{name: q}]}\n"
                "    dynamodb: {tables: [{name: t, attributes: {pk: S}, hash_key: pk}]}\n");
        std::string e = error_of(p.options());
        CHECK(e.find("6:5: service 'aws' does not serve dynamodb") == 0);
        CHECK(e.find("it serves: sqs, s3") != std::string::npos);
        CHECK(e.find("add dynamodb to services.aws.with.services") != std::string::npos);
        // Served once listed; cognito maps to cognito-idp.
        LoadOptions o = p.options();
        o.sets = {"services.aws.with.services=[sqs, s3, dynamodb]"};
        CHECK(error_of(o) == "no error");
        p.write("devenv.yaml", "services:\n  aws: {template: emu}\nseed:\n  aws:\n    cognito: {user_pools: [{name: u}]}\n");
        CHECK(error_of(p.options()).find("does not serve cognito-idp") != std::string::npos);
    }

    TEST_CASE("`KIND: ~` drops a block, from a file or with --set KIND=null") {
        TempProject p;
        p.write(".devenv/templates/emu.yaml", kEmu);
        p.write("base.yaml",
                "services:\n  aws: {template: emu}\nseed:\n  aws:\n    sqs: {queues: [{name: q}]}\n"
                "    dynamodb: {tables: [{name: t, attributes: {pk: S}, hash_key: pk}]}\n");
        p.write("devenv.yaml", "extends: ./base.yaml\nseed:\n  aws:\n    dynamodb: ~\n");
        Profile prof = load_checked_profile(p.options());
        REQUIRE(prof.seeds.size() == 1);
        CHECK(prof.seeds[0].kind == "sqs");
        p.write("devenv.yaml", "extends: ./base.yaml\n");
        LoadOptions o = p.options();
        o.sets = {"seed.aws.dynamodb=null"};
        CHECK(load_checked_profile(o).seeds.size() == 1);
    }

    TEST_CASE("a template without `serves` (moto) serves every service") {
        TempProject p;
        p.write(".devenv/templates/emu.yaml",
                "template: emu\ndescription: d\nparams:\n  services: {type: list, default: [sqs]}\n"
                "service: {image: emu}\nseeds: [dynamodb, sqs]\n");
        p.write("devenv.yaml",
                "services:\n  aws: {template: emu}\nseed:\n  aws:\n"
                "    dynamodb: {tables: [{name: t, attributes: {pk: S}, hash_key: pk}]}\n");
        CHECK(error_of(p.options()) == "no error");
    }
}

TEST_SUITE("seed.kinds") {
    TEST_CASE("every kind has a name, a family, a schema and a seed; names are unique") {
        std::set<std::string> names;
        for (const SeedKind* k : seed_kinds()) {
            CAPTURE(k->name);
            CHECK(!k->name.empty());
            CHECK(!k->family.empty());
            CHECK(!k->summary.empty());
            CHECK(static_cast<bool>(k->schema));
            CHECK(static_cast<bool>(k->seed));
            CHECK(k->phase >= 0);
            CHECK(k->phase <= 2);
            CHECK(names.insert(std::string(k->name)).second);
            // A kind that resets a template does it one way or the other.
            if (!k->reset_template.empty()) CHECK(static_cast<bool>(k->reset || k->unseed));
            // A purge is how an emulator without a reset endpoint forgets an AWS kind.
            if (k->purge) CHECK(!k->aws_service.empty());
        }
        CHECK(static_cast<bool>(find_seed_kind("sns")));
        CHECK(!find_seed_kind("nope"));
    }

    TEST_CASE("every built-in template lists only kinds of the table, and each such template has its reset") {
        for (const auto& a : embedded_assets()) {
            std::string path(a.path);
            if (path.rfind("templates/", 0) != 0) continue;
            CAPTURE(path);
            Value t = parse_yaml(std::string(a.content), path, "");
            if (const Value* seeds = t.find("seeds"))
                for (const auto& k : seeds->items()) CHECK_MESSAGE(static_cast<bool>(find_seed_kind(k.text())), k.text());
        }
        for (const char* tmpl : {"moto", "localstack", "minio", "postgres", "redis", "kafka", "debezium-connect",
                                 "schema-registry", "vault", "mongodb"}) {
            CAPTURE(tmpl);
            const ResetStrategy* r = find_reset_strategy(tmpl);
            REQUIRE(r != nullptr);
            CHECK(static_cast<bool>(r->reset));
        }
        CHECK(static_cast<bool>(find_reset_strategy("postgres")->after_seed));
    }

    TEST_CASE("a template listing a kind devenv does not have is an error") {
        TempProject p;
        p.write(".devenv/templates/odd.yaml", "template: odd\ndescription: d\nservice: {image: x}\nseeds: [sqs, rabbitmq]\n");
        p.write("devenv.yaml", "services:\n  q: {template: odd}\n");
        CHECK(error_of(p.options()) == "template 'odd' of service 'q' lists unknown seed kind 'rabbitmq'");
    }

    TEST_CASE("a declaration loaded without the check is never applied") {
        SeedDecl d;
        d.service = "s";
        d.kind = "exec";
        d.spec = parse_yaml("[{command: [\"true\"]}]", "x.yaml", "");
        Profile prof;
        Service svc;
        svc.name = "s";
        ServiceSeedJob job;
        job.target.profile = &prof;
        job.target.service = &svc;
        job.decls = {&d};
        SeedSink sink;
        apply_service_seed(job, sink);
        auto r = sink.results();
        REQUIRE(r.size() == 1);
        CHECK(r[0].outcome == Outcome::failed);
        CHECK(r[0].detail.find("not checked") != std::string::npos);
    }
}

TEST_SUITE("seed.sns_check") {
    constexpr const char* kEmu =
        "template: emu\ndescription: d\nservice: {image: emu}\nseeds: [sqs, sns]\n";

    TEST_CASE("a subscription names a queue of the seed; FIFO topics need FIFO names and FIFO queues") {
        TempProject p;
        p.write(".devenv/templates/emu.yaml", kEmu);
        p.write("devenv.yaml",
                "services:\n  aws: {template: emu}\nseed:\n  aws:\n    sqs: {queues: [{name: orders}]}\n"
                "    sns:\n      topics:\n        - name: events\n          subscriptions: [{queue: order, raw: true}]\n");
        CHECK(error_of(p.options()) ==
              "9:35: unknown queue 'order' | did you mean 'orders'?");
        p.write("devenv.yaml",
                "services:\n  aws: {template: emu}\nseed:\n  aws:\n    sqs: {queues: [{name: orders}]}\n"
                "    sns: {topics: [{name: events.fifo}]}\n");
        CHECK(error_of(p.options()).find("topic 'events.fifo' ends in .fifo but fifo is not true") != std::string::npos);
        p.write("devenv.yaml",
                "services:\n  aws: {template: emu}\nseed:\n  aws:\n    sqs: {queues: [{name: orders}]}\n"
                "    sns: {topics: [{name: e.fifo, fifo: true, subscriptions: [{queue: orders}]}]}\n");
        CHECK(error_of(p.options()).find("FIFO topic 'e.fifo' can only deliver to FIFO queues, not 'orders'") !=
              std::string::npos);
        p.write("devenv.yaml",
                "services:\n  aws: {template: emu}\nseed:\n  aws:\n    sqs: {queues: [{name: orders}]}\n"
                "    sns: {topics: [{name: events, subscriptions: [{queue: orders, raw: true, filter_policy: {type: [a]}}]}]}\n");
        CHECK(error_of(p.options()) == "no error");
    }
}

TEST_SUITE("seed.postgres.copy") {
    constexpr const char* kHead =
        "services:\n  db: {template: postgres}\nseed:\n  db:\n    postgres:\n      databases:\n        - name: shop\n"
        "          sql:\n";

    TEST_CASE("a copy step's file, format and options are checked at file:line:col before anything runs") {
        TempProject p;
        p.write("data/rows.csv", "1,a\n");
        p.write("devenv.yaml", std::string(kHead) + "            - copy: {table: t, file: data/rows.csv, header: true}\n");
        CHECK(error_of(p.options()) == "no error");

        p.write("devenv.yaml", std::string(kHead) + "            - copy: {table: t, file: data/nope.csv}\n");
        std::string e = error_of(p.options());
        CHECK(e.find("9:38:") == 0);
        CHECK(e.find("data/nope.csv does not exist") != std::string::npos);
        std::string key;
        try {
            load_checked_profile(p.options());
        } catch (const Error& err) {
            key = err.key_path();
        }
        CHECK(key == "seed.db.postgres.databases[0].sql[0].copy.file");

        p.write("devenv.yaml", std::string(kHead) + "            - copy: {table: t, file: data/rows.csv, format: xml}\n");
        e = error_of(p.options());
        CHECK(e.find("9:") == 0);
        CHECK(e.find("csv") != std::string::npos);

        p.write("devenv.yaml", std::string(kHead) + "            - copy: {table: t, file: data/rows.csv, format: text, header: true}\n");
        CHECK(error_of(p.options()).find("header is a csv option") != std::string::npos);

        p.write("devenv.yaml", std::string(kHead) + "            - copy: {table: t, file: data/rows.csv, delimiter: ';;'}\n");
        CHECK(error_of(p.options()).find("delimiter must be one character") != std::string::npos);

        p.write("devenv.yaml", std::string(kHead) + "            - {text: 'select 1', copy: {table: t, file: data/rows.csv}}\n");
        CHECK(error_of(p.options()).find("one of file, text or copy, not several") != std::string::npos);

        p.write("devenv.yaml", std::string(kHead) + "            - copy: {file: data/rows.csv}\n");
        CHECK(error_of(p.options()).find("table") != std::string::npos);
    }
}

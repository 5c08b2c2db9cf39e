#include <doctest/doctest.h>

#include "yaml/merge.hpp"
#include "yaml/yaml.hpp"

using namespace devenv;

TEST_SUITE("yaml.merge") {
    TEST_CASE("maps merge recursively, scalars replace") {
        Value a = parse_yaml("s: {image: a, environment: {X: '1', Y: '2'}}", "a");
        Value b = parse_yaml("s: {image: b, environment: {Y: '3'}}", "b");
        Value m = deep_merge(a, b);
        CHECK(emit_yaml(m) == "s:\n  image: b\n  environment:\n    X: \"1\"\n    \"Y\": \"3\"\n");
    }
    TEST_CASE("named lists merge by name; plain lists append without duplicates; command replaces") {
        Value a = parse_yaml("t: [{name: x, v: 1}, {name: y}]\nports: ['1:1']\ncommand: [a, b]", "a");
        Value b = parse_yaml("t: [{name: x, v: 2}, {name: z}]\nports: ['1:1', '2:2']\ncommand: [c]", "b");
        Value m = deep_merge(a, b);
        CHECK(m.find("t")->items().size() == 3);
        CHECK(m.find("t")->items()[0].find("v")->as_int() == 2);
        CHECK(m.find("ports")->items().size() == 2);
        CHECK(m.find("command")->items().size() == 1);
    }
    TEST_CASE("set_path creates maps, handles quoted keys and indexes") {
        Value root = parse_yaml("services: {pg: {ports: ['1:1']}}", "r");
        set_path(root, "services.pg.image", Value::string("x"));
        set_path(root, "seed.aws.ssm.parameters.\"/a.b/c\"", Value::string("v"));
        set_path(root, "services.pg.ports[0]", Value::string("2:2"));
        CHECK(root.find("services")->find("pg")->find("image")->text() == "x");
        CHECK(root.find("seed")->find("aws")->find("ssm")->find("parameters")->find("/a.b/c")->text() == "v");
        CHECK(root.find("services")->find("pg")->find("ports")->items()[0].text() == "2:2");
        CHECK_THROWS_AS(set_path(root, "services.pg.ports[5]", Value::string("x")), Error);
        CHECK_THROWS_AS(set_path(root, "a..b", Value::string("x")), Error);
    }
}

#pragma once
// A small declarative schema for Value trees. Validation walks the tree once and reports the
// first problem at its file:line:col with the dotted key path, and "did you mean" for typos.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "yaml/value.hpp"

namespace devenv {

struct Schema;
using SchemaPtr = std::shared_ptr<const Schema>;

struct Field {
    std::string name;
    SchemaPtr schema;
    bool required = false;
};

struct Schema {
    enum class Kind {
        any,       // anything
        string,    // any scalar but null (numbers and booleans are accepted as their text)
        integer,   // an integer, or a string holding one (after interpolation)
        boolean,
        number,
        port,      // integer 1..65535
        duration,  // "5s", "250ms", "1m30s" or a number of seconds
        choice,    // a string out of `values`
        list,      // of `item`
        map,       // string keys -> `item`
        object,    // fixed `fields`; unknown keys rejected unless `extra` is set
        one_of,    // the first alternative whose shape (scalar/list/mapping) matches
    };
    Kind kind = Kind::any;
    std::string what;                 // how messages name it, e.g. "a port"
    std::vector<std::string> values;  // choice
    SchemaPtr item;                   // list, map
    std::vector<Field> fields;        // object
    SchemaPtr extra;                  // object: schema for keys not in fields (null = rejected)
    std::vector<SchemaPtr> alternatives;  // one_of
    // Runs after the shape checks pass; throws error_at(...) for semantic problems.
    std::function<void(const Value&, const std::string& path)> check;
};

namespace schema {
SchemaPtr any();
SchemaPtr string();
SchemaPtr integer();
SchemaPtr boolean();
SchemaPtr number();
SchemaPtr port();
SchemaPtr duration();
SchemaPtr choice(std::vector<std::string> values);
SchemaPtr list(SchemaPtr item);
SchemaPtr map(SchemaPtr item);
SchemaPtr object(std::vector<Field> fields, SchemaPtr extra = nullptr);
SchemaPtr one_of(std::vector<SchemaPtr> alternatives, std::string what);
SchemaPtr with_check(SchemaPtr s, std::function<void(const Value&, const std::string&)> check);
Field req(std::string name, SchemaPtr s);
// A list of mappings that each have a required `name` and `fields`.
SchemaPtr named_list(std::vector<Field> fields);
Field opt(std::string name, SchemaPtr s);
}  // namespace schema

// Throws Error(profile) at the first problem.
void validate(const Value& v, const Schema& s, const std::string& path);

// Helpers used by checks and loaders.
std::int64_t integer_value(const Value& v, const std::string& path);  // int or numeric string
bool is_integer_like(const Value& v);

}  // namespace devenv

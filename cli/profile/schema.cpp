#include "profile/schema.hpp"

#include <fmt/format.h>

#include "util/duration.hpp"
#include "util/suggest.hpp"

namespace devenv {
namespace schema {

namespace {
std::shared_ptr<Schema> make(Schema::Kind k, std::string what) {
    auto s = std::make_shared<Schema>();
    s->kind = k;
    s->what = std::move(what);
    return s;
}
}  // namespace

SchemaPtr any() { return make(Schema::Kind::any, "anything"); }
SchemaPtr string() { return make(Schema::Kind::string, "a string"); }
SchemaPtr integer() { return make(Schema::Kind::integer, "an integer"); }
SchemaPtr boolean() { return make(Schema::Kind::boolean, "a boolean (true or false)"); }
SchemaPtr number() { return make(Schema::Kind::number, "a number"); }
SchemaPtr port() { return make(Schema::Kind::port, "a port number (1-65535)"); }
SchemaPtr duration() { return make(Schema::Kind::duration, "a duration such as 30s, 500ms or 2m"); }

SchemaPtr choice(std::vector<std::string> values) {
    auto s = make(Schema::Kind::choice, "one of " + fmt::format("{}", fmt::join(values, ", ")));
    s->values = std::move(values);
    return s;
}

SchemaPtr list(SchemaPtr item) {
    auto s = make(Schema::Kind::list, "a list");
    s->item = std::move(item);
    return s;
}

SchemaPtr map(SchemaPtr item) {
    auto s = make(Schema::Kind::map, "a mapping");
    s->item = std::move(item);
    return s;
}

SchemaPtr object(std::vector<Field> fields, SchemaPtr extra) {
    auto s = make(Schema::Kind::object, "a mapping");
    s->fields = std::move(fields);
    s->extra = std::move(extra);
    return s;
}

SchemaPtr one_of(std::vector<SchemaPtr> alternatives, std::string what) {
    auto s = make(Schema::Kind::one_of, std::move(what));
    s->alternatives = std::move(alternatives);
    return s;
}

SchemaPtr with_check(SchemaPtr s, std::function<void(const Value&, const std::string&)> check) {
    auto copy = std::make_shared<Schema>(*s);
    copy->check = std::move(check);
    return copy;
}

Field req(std::string name, SchemaPtr s) { return Field{std::move(name), std::move(s), true}; }
Field opt(std::string name, SchemaPtr s) { return Field{std::move(name), std::move(s), false}; }

SchemaPtr named_list(std::vector<Field> fields) {
    fields.insert(fields.begin(), req("name", string()));
    return list(object(std::move(fields)));
}

}  // namespace schema

bool is_integer_like(const Value& v) {
    if (v.type() == Value::Type::integer) return true;
    if (!v.is_string() || v.text().empty()) return false;
    std::size_t i = (v.text()[0] == '-' || v.text()[0] == '+') ? 1 : 0;
    if (i == v.text().size()) return false;
    for (; i < v.text().size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(v.text()[i]))) return false;
    return v.text().size() < 19;
}

std::int64_t integer_value(const Value& v, const std::string& path) {
    if (v.type() == Value::Type::integer) return v.as_int();
    if (is_integer_like(v)) return std::stoll(v.text());
    throw error_at(v.mark(), path, fmt::format("expected an integer, got {}", v.type_name()));
}

namespace {

bool shape_matches(const Schema& s, const Value& v) {
    switch (s.kind) {
    case Schema::Kind::list: return v.is_sequence();
    case Schema::Kind::map:
    case Schema::Kind::object: return v.is_mapping();
    case Schema::Kind::any: return true;
    case Schema::Kind::one_of:
        for (const auto& a : s.alternatives)
            if (shape_matches(*a, v)) return true;
        return false;
    default: return v.is_scalar() && !v.is_null();
    }
}

[[noreturn]] void wrong_type(const Schema& s, const Value& v, const std::string& path) {
    std::string got = v.type_name();
    if (v.is_scalar() && !v.is_null()) got += fmt::format(" ('{}')", v.text());
    throw error_at(v.mark(), path, fmt::format("expected {}, got {}", s.what, got));
}

std::string last_key(const std::string& path) {
    auto dot = path.rfind('.');
    return dot == std::string::npos ? path : path.substr(dot + 1);
}

}  // namespace

void validate(const Value& v, const Schema& s, const std::string& path) {
    switch (s.kind) {
    case Schema::Kind::any: break;
    case Schema::Kind::string:
        if (!v.is_scalar() || v.is_null()) wrong_type(s, v, path);
        break;
    case Schema::Kind::integer:
        if (!is_integer_like(v)) wrong_type(s, v, path);
        break;
    case Schema::Kind::boolean:
        if (v.type() != Value::Type::boolean &&
            !(v.is_string() && (v.text() == "true" || v.text() == "false")))
            wrong_type(s, v, path);
        break;
    case Schema::Kind::number:
        if (v.type() != Value::Type::integer && v.type() != Value::Type::number) wrong_type(s, v, path);
        break;
    case Schema::Kind::port: {
        if (!is_integer_like(v)) wrong_type(s, v, path);
        std::int64_t p = integer_value(v, path);
        if (p < 1 || p > 65535)
            throw error_at(v.mark(), path, fmt::format("port {} is out of range (1-65535)", p));
        break;
    }
    case Schema::Kind::duration: {
        if (!v.is_scalar() || v.is_null()) wrong_type(s, v, path);
        if (v.type() == Value::Type::integer) break;
        try {
            (void)parse_duration(v.text());
        } catch (const Error& e) {
            throw error_at(v.mark(), path, e.message());
        }
        break;
    }
    case Schema::Kind::choice: {
        if (!v.is_scalar() || v.is_null()) wrong_type(s, v, path);
        for (const auto& c : s.values)
            if (c == v.text()) goto choice_ok;
        {
            Error e = error_at(v.mark(), path,
                               fmt::format("'{}' is not one of: {}", v.text(), fmt::join(s.values, ", ")));
            if (auto near = suggest(v.text(), s.values)) e.hint(fmt::format("did you mean '{}'?", *near));
            throw e;
        }
    choice_ok:
        break;
    }
    case Schema::Kind::list:
        if (!v.is_sequence()) wrong_type(s, v, path);
        for (std::size_t i = 0; i < v.items().size(); ++i) validate(v.items()[i], *s.item, index_path(path, i));
        break;
    case Schema::Kind::map:
        if (!v.is_mapping()) wrong_type(s, v, path);
        for (const auto& e : v.entries()) validate(e.value, *s.item, join_path(path, e.key));
        break;
    case Schema::Kind::object: {
        if (!v.is_mapping()) wrong_type(s, v, path);
        for (const auto& e : v.entries()) {
            const Field* f = nullptr;
            for (const auto& field : s.fields)
                if (field.name == e.key) f = &field;
            std::string child = join_path(path, e.key);
            if (f) {
                validate(e.value, *f->schema, child);
            } else if (s.extra) {
                validate(e.value, *s.extra, child);
            } else {
                std::vector<std::string> names;
                for (const auto& field : s.fields) names.push_back(field.name);
                Error err = error_at(e.key_mark, child,
                                     path.empty() ? fmt::format("unknown key '{}'", e.key)
                                                  : fmt::format("unknown key '{}' in {}", e.key, last_key(path)));
                if (auto near = suggest(e.key, names)) err.hint(fmt::format("did you mean '{}'?", *near));
                throw err;
            }
        }
        for (const auto& field : s.fields) {
            if (field.required && !v.has(field.name)) {
                throw error_at(v.mark(), path,
                               fmt::format("missing required key '{}'{}", field.name,
                                           path.empty() ? std::string() : " in " + last_key(path)));
            }
        }
        break;
    }
    case Schema::Kind::one_of: {
        for (const auto& a : s.alternatives) {
            if (shape_matches(*a, v)) {
                validate(v, *a, path);
                goto one_of_ok;
            }
        }
        wrong_type(s, v, path);
    one_of_ok:
        break;
    }
    }
    if (s.check) s.check(v, path);
}

}  // namespace devenv

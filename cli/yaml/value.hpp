#pragma once
// A YAML document as a tree that remembers where every node and key came from, so that any
// later stage (merge, interpolation, validation, template resolution) can point at file:line:col.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "util/error.hpp"

namespace devenv {

struct SourceFile {
    std::string path;  // as shown to the user
    std::string text;  // whole content, for showing the offending line
    std::string base_dir;  // absolute folder relative paths in it resolve against; "" = built-in
    std::string line(int n) const;  // 1-based; "" when out of range
};

struct Mark {
    std::shared_ptr<const SourceFile> file;  // null for values made in code (e.g. --set)
    int line = 0;    // 1-based
    int column = 0;  // 1-based
    std::string origin;  // when no file: where it came from, e.g. "--set services.x.image"

    SourceLocation location() const;
    bool known() const { return file != nullptr && line > 0; }
};

class Value {
public:
    enum class Type { null, boolean, integer, number, string, sequence, mapping };

    struct Entry;  // a key of a mapping with its value
    using Sequence = std::vector<Value>;
    using Mapping = std::vector<Entry>;

    Value() = default;  // null
    static Value null(Mark m = {});
    static Value boolean(bool b, Mark m = {});
    static Value integer(std::int64_t i, Mark m = {});
    static Value number(double d, std::string text, Mark m = {});
    static Value string(std::string s, Mark m = {}, bool quoted = true);
    static Value sequence(Mark m = {});
    static Value mapping(Mark m = {});
    // A plain scalar typed the way YAML 1.2's core schema would (true/false, ints, floats, ~/null).
    static Value from_plain_scalar(std::string text, Mark m = {});

    Type type() const { return type_; }
    const Mark& mark() const { return mark_; }
    void set_mark(Mark m) { mark_ = std::move(m); }

    bool is_null() const { return type_ == Type::null; }
    bool is_scalar() const { return type_ != Type::sequence && type_ != Type::mapping; }
    bool is_string() const { return type_ == Type::string; }
    bool is_sequence() const { return type_ == Type::sequence; }
    bool is_mapping() const { return type_ == Type::mapping; }
    // A string that was quoted in the source ("17" vs 17); matters to keep Compose's types.
    bool quoted() const { return quoted_; }

    // Scalars: the text as written ("17", "true", "app"); for null, "".
    const std::string& text() const { return text_; }
    bool as_bool() const;          // only for booleans
    std::int64_t as_int() const;   // only for integers
    double as_number() const;      // integers and numbers

    Sequence& items() { return seq_; }
    const Sequence& items() const { return seq_; }
    Mapping& entries() { return map_; }
    const Mapping& entries() const { return map_; }

    // Mapping access (linear; profiles are small and order must be kept).
    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);
    const Entry* find_entry(std::string_view key) const;
    bool has(std::string_view key) const { return find(key) != nullptr; }
    // Inserts or replaces, keeping the position of an existing key.
    Value& set(std::string key, Value v, Mark key_mark = {});
    bool erase(std::string_view key);
    void push_back(Value v);  // out of line: Value is incomplete here (clang rejects it inline)
    // Appends without looking for the key: for builders that checked duplicates themselves.
    void append_entry(std::string key, Value v, Mark key_mark = {});
    std::size_t size() const;

    // A short name of the type for messages: "a string", "a mapping", ...
    std::string type_name() const;
    static std::string type_name(Type t);

    // Structural equality, ignoring marks.
    friend bool operator==(const Value& a, const Value& b);

    nlohmann::json to_json() const;
    nlohmann::ordered_json to_ordered_json() const;  // keeps mapping order
    // Takes the document apart (its strings are moved, not copied): for a file's many items.
    static Value from_json(nlohmann::json&& j, const Mark& m = {});

    // Keeps the scalar's written form (e.g. "017" stays "017" when rendered).
    Value with_text(std::string text) &&;

private:
    Type type_ = Type::null;
    bool quoted_ = false;
    bool bool_ = false;
    std::int64_t int_ = 0;
    double num_ = 0;
    std::string text_;
    Sequence seq_;
    Mapping map_;
    Mark mark_;
};

struct Value::Entry {
    std::string key;
    Mark key_mark;
    Value value;
};

// Errors about a node: kind profile, located at the node, with the dotted key path.
Error error_at(const Mark& m, std::string key_path, std::string message);

// Dotted path helpers: "services.postgres.with.version", "seed.aws.sqs.queues[2].name".
std::string join_path(std::string_view parent, std::string_view key);
std::string index_path(std::string_view parent, std::size_t index);

}  // namespace devenv

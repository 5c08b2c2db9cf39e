#include "yaml/value.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace devenv {

std::string SourceFile::line(int n) const {
    if (n <= 0) return {};
    std::size_t pos = 0;
    for (int i = 1; i < n; ++i) {
        pos = text.find('\n', pos);
        if (pos == std::string::npos) return {};
        ++pos;
    }
    std::size_t end = text.find('\n', pos);
    std::string l = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (!l.empty() && l.back() == '\r') l.pop_back();
    return l;
}

SourceLocation Mark::location() const {
    if (!file) return SourceLocation{origin, 0, 0, {}};
    return SourceLocation{file->path, line, column, file->line(line)};
}

Value Value::null(Mark m) {
    Value v;
    v.mark_ = std::move(m);
    return v;
}

Value Value::boolean(bool b, Mark m) {
    Value v;
    v.type_ = Type::boolean;
    v.bool_ = b;
    v.text_ = b ? "true" : "false";
    v.mark_ = std::move(m);
    return v;
}

Value Value::integer(std::int64_t i, Mark m) {
    Value v;
    v.type_ = Type::integer;
    v.int_ = i;
    v.num_ = static_cast<double>(i);
    v.text_ = std::to_string(i);
    v.mark_ = std::move(m);
    return v;
}

Value Value::number(double d, std::string text, Mark m) {
    Value v;
    v.type_ = Type::number;
    v.num_ = d;
    v.text_ = std::move(text);
    v.mark_ = std::move(m);
    return v;
}

Value Value::string(std::string s, Mark m, bool quoted) {
    Value v;
    v.type_ = Type::string;
    v.text_ = std::move(s);
    v.quoted_ = quoted;
    v.mark_ = std::move(m);
    return v;
}

Value Value::sequence(Mark m) {
    Value v;
    v.type_ = Type::sequence;
    v.mark_ = std::move(m);
    return v;
}

Value Value::mapping(Mark m) {
    Value v;
    v.type_ = Type::mapping;
    v.mark_ = std::move(m);
    return v;
}

namespace {

bool parse_int(std::string_view s, std::int64_t& out) {
    if (s.empty()) return false;
    std::string_view digits = s;
    if (digits.front() == '+') digits.remove_prefix(1);
    int base = 10;
    bool neg = false;
    if (!digits.empty() && digits.front() == '-') {
        neg = true;
        digits.remove_prefix(1);
    }
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'o')) {
        base = digits[1] == 'x' ? 16 : 8;
        digits.remove_prefix(2);
    }
    if (digits.empty()) return false;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    if (ec != std::errc() || p != digits.data() + digits.size()) return false;
    out = neg ? -v : v;
    return true;
}

bool parse_float(const std::string& s, double& out) {
    if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf") {
        out = HUGE_VAL;
        return true;
    }
    if (s == "-.inf" || s == "-.Inf" || s == "-.INF") {
        out = -HUGE_VAL;
        return true;
    }
    // YAML 1.2 core: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    bool digit = false;
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) { ++i; digit = true; }
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) { ++i; digit = true; }
    }
    if (!digit) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        bool exp = false;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) { ++i; exp = true; }
        if (!exp) return false;
    }
    if (i != s.size()) return false;
    std::istringstream in(s);
    in.imbue(std::locale::classic());
    in >> out;
    return !in.fail();
}

}  // namespace

Value Value::from_plain_scalar(std::string text, Mark m) {
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
        return null(std::move(m));
    if (text == "true" || text == "True" || text == "TRUE") return boolean(true, std::move(m));
    if (text == "false" || text == "False" || text == "FALSE") return boolean(false, std::move(m));
    std::int64_t i = 0;
    if (parse_int(text, i)) return integer(i, std::move(m)).with_text(std::move(text));
    double d = 0;
    if (parse_float(text, d)) return number(d, std::move(text), std::move(m));
    return string(std::move(text), std::move(m), false);
}

Value Value::with_text(std::string text) && {
    text_ = std::move(text);
    return std::move(*this);
}

bool Value::as_bool() const { return bool_; }
std::int64_t Value::as_int() const { return int_; }
double Value::as_number() const { return num_; }

const Value* Value::find(std::string_view key) const {
    for (const Entry& e : map_)
        if (e.key == key) return &e.value;
    return nullptr;
}

Value* Value::find(std::string_view key) {
    for (Entry& e : map_)
        if (e.key == key) return &e.value;
    return nullptr;
}

const Value::Entry* Value::find_entry(std::string_view key) const {
    for (const Entry& e : map_)
        if (e.key == key) return &e;
    return nullptr;
}

void Value::push_back(Value v) { seq_.push_back(std::move(v)); }

void Value::append_entry(std::string key, Value v, Mark key_mark) {
    map_.push_back(Entry{std::move(key), std::move(key_mark), std::move(v)});
}

Value& Value::set(std::string key, Value v, Mark key_mark) {
    if (type_ != Type::mapping) {
        *this = mapping(mark_);
    }
    for (Entry& e : map_) {
        if (e.key == key) {
            e.value = std::move(v);
            if (key_mark.known()) e.key_mark = std::move(key_mark);
            return e.value;
        }
    }
    map_.push_back(Entry{std::move(key), std::move(key_mark), std::move(v)});
    return map_.back().value;
}

bool Value::erase(std::string_view key) {
    for (auto it = map_.begin(); it != map_.end(); ++it) {
        if (it->key == key) {
            map_.erase(it);
            return true;
        }
    }
    return false;
}

std::size_t Value::size() const {
    if (type_ == Type::sequence) return seq_.size();
    if (type_ == Type::mapping) return map_.size();
    return 0;
}

std::string Value::type_name(Type t) {
    switch (t) {
    case Type::null: return "null";
    case Type::boolean: return "a boolean";
    case Type::integer: return "an integer";
    case Type::number: return "a number";
    case Type::string: return "a string";
    case Type::sequence: return "a list";
    case Type::mapping: return "a mapping";
    }
    return "?";
}

std::string Value::type_name() const { return type_name(type_); }

bool operator==(const Value& a, const Value& b) {
    if (a.type_ != b.type_) return false;
    switch (a.type_) {
    case Value::Type::null: return true;
    case Value::Type::boolean: return a.bool_ == b.bool_;
    case Value::Type::integer: return a.int_ == b.int_;
    case Value::Type::number: return a.num_ == b.num_;
    case Value::Type::string: return a.text_ == b.text_;
    case Value::Type::sequence: return a.seq_ == b.seq_;
    case Value::Type::mapping:
        if (a.map_.size() != b.map_.size()) return false;
        for (std::size_t i = 0; i < a.map_.size(); ++i) {
            if (a.map_[i].key != b.map_[i].key || !(a.map_[i].value == b.map_[i].value)) return false;
        }
        return true;
    }
    return false;
}

nlohmann::json Value::to_json() const {
    switch (type_) {
    case Type::null: return nullptr;
    case Type::boolean: return bool_;
    case Type::integer: return int_;
    case Type::number: return num_;
    case Type::string: return text_;
    case Type::sequence: {
        nlohmann::json j = nlohmann::json::array();
        for (const Value& v : seq_) j.push_back(v.to_json());
        return j;
    }
    case Type::mapping: {
        // ordered_json would keep order; callers that need order use to_ordered_json.
        nlohmann::json j = nlohmann::json::object();
        for (const Entry& e : map_) j[e.key] = e.value.to_json();
        return j;
    }
    }
    return nullptr;
}

nlohmann::ordered_json Value::to_ordered_json() const {
    switch (type_) {
    case Type::sequence: {
        nlohmann::ordered_json j = nlohmann::ordered_json::array();
        for (const Value& v : seq_) j.push_back(v.to_ordered_json());
        return j;
    }
    case Type::mapping: {
        nlohmann::ordered_json j = nlohmann::ordered_json::object();
        for (const Entry& e : map_) j[e.key] = e.value.to_ordered_json();
        return j;
    }
    case Type::null: return nullptr;
    case Type::boolean: return bool_;
    case Type::integer: return int_;
    case Type::number: return num_;
    case Type::string: return text_;
    }
    return nullptr;
}

Value Value::from_json(nlohmann::json&& j, const Mark& m) {
    switch (j.type()) {
    case nlohmann::json::value_t::null: return null(m);
    case nlohmann::json::value_t::boolean: return boolean(j.get<bool>(), m);
    case nlohmann::json::value_t::number_integer: return integer(j.get<std::int64_t>(), m);
    case nlohmann::json::value_t::number_unsigned:
        return integer(static_cast<std::int64_t>(j.get<std::uint64_t>()), m);
    case nlohmann::json::value_t::number_float: return number(j.get<double>(), j.dump(), m);
    case nlohmann::json::value_t::string: return string(std::move(j.get_ref<std::string&>()), m);
    case nlohmann::json::value_t::array: {
        Value v = sequence(m);
        v.seq_.reserve(j.size());
        for (auto& item : j) v.push_back(from_json(std::move(item), m));
        return v;
    }
    case nlohmann::json::value_t::object: {
        // A JSON object's keys are unique already (nlohmann keeps the last of a repeated key).
        Value v = mapping(m);
        v.map_.reserve(j.size());
        for (auto it = j.begin(); it != j.end(); ++it) v.append_entry(it.key(), from_json(std::move(it.value()), m), m);
        return v;
    }
    default: return null(m);
    }
}

Error error_at(const Mark& m, std::string key_path, std::string message) {
    return Error(ErrorKind::profile, std::move(message), m.location(), std::move(key_path));
}

std::string join_path(std::string_view parent, std::string_view key) {
    if (parent.empty()) return std::string(key);
    return fmt::format("{}.{}", parent, key);
}

std::string index_path(std::string_view parent, std::size_t index) {
    return fmt::format("{}[{}]", parent, index);
}

}  // namespace devenv

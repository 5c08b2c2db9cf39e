// YAML and plain JSON to DynamoDB's typed JSON, and comparing typed values.
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <sstream>

#include <fmt/format.h>

#include "seed/aws/support.hpp"
#include "util/strings.hpp"

namespace devenv::aws_seed {

using nlohmann::json;

json to_dynamo(const Value& v) {
    switch (v.type()) {
    case Value::Type::null: return {{"NULL", true}};
    case Value::Type::boolean: return {{"BOOL", v.as_bool()}};
    case Value::Type::integer:
    case Value::Type::number: return {{"N", v.text()}};
    case Value::Type::string: return {{"S", v.text()}};
    case Value::Type::sequence: {
        json l = json::array();
        for (const auto& item : v.items()) l.push_back(to_dynamo(item));
        return {{"L", l}};
    }
    case Value::Type::mapping: {
        json m = json::object();
        for (const auto& e : v.entries()) m[e.key] = to_dynamo(e.value);
        return {{"M", m}};
    }
    }
    return {{"NULL", true}};
}

json to_dynamo(const json& j) {
    if (j.is_null()) return {{"NULL", true}};
    if (j.is_boolean()) return {{"BOOL", j.get<bool>()}};
    if (j.is_number()) return {{"N", j.dump()}};
    if (j.is_string()) return {{"S", j.get<std::string>()}};
    if (j.is_array()) {
        json l = json::array();
        for (const auto& item : j) l.push_back(to_dynamo(item));
        return {{"L", l}};
    }
    json m = json::object();
    for (auto it = j.begin(); it != j.end(); ++it) m[it.key()] = to_dynamo(it.value());
    return {{"M", m}};
}

namespace {

bool is_typed_value(const json& v) {
    static constexpr std::array<std::string_view, 10> tags{"S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"};
    if (!v.is_object() || v.size() != 1) return false;
    const std::string& k = v.begin().key();
    return std::find(tags.begin(), tags.end(), k) != tags.end();
}

}  // namespace

json item_to_dynamo(const Value& item) {
    json out = json::object();
    for (const auto& e : item.entries()) out[e.key] = to_dynamo(e.value);
    return out;
}

json item_to_dynamo(const json& item) {
    bool typed = !item.empty();
    for (auto it = item.begin(); it != item.end() && typed; ++it) typed = is_typed_value(it.value());
    if (typed) return item;
    json out = json::object();
    for (auto it = item.begin(); it != item.end(); ++it) out[it.key()] = to_dynamo(it.value());
    return out;
}

void for_each_item(std::istream& in, const std::string& shown_as, const std::function<void(json&&)>& fn) {
    // The first character that is not blank tells a JSON array from JSON lines.
    int first = 0;
    while ((first = in.peek()) != EOF && std::isspace(first)) in.get();
    if (first == EOF) return;
    if (first == '[') {
        // The array is parsed element by element: each top-level element is handed on, then
        // discarded (the callback returns false), so the array itself never holds them all.
        std::size_t index = 0;
        auto cb = [&](int depth, json::parse_event_t event, json& parsed) {
            if (depth != 1) return true;
            if (event == json::parse_event_t::object_start) return true;
            if (event == json::parse_event_t::object_end) {
                ++index;
                fn(std::move(parsed));
                return false;
            }
            if (event == json::parse_event_t::value || event == json::parse_event_t::array_end) {
                ++index;
                throw Error(ErrorKind::seed, fmt::format("{}: item {} is not a JSON object", shown_as, index));
            }
            return true;
        };
        try {
            json rest = json::parse(in, cb);
            (void)rest;
        } catch (const json::exception& e) {
            throw Error(ErrorKind::seed, fmt::format("{} is not valid JSON: {}", shown_as, e.what()));
        }
        return;
    }
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        json j;
        try {
            j = json::parse(line);
        } catch (const json::exception& e) {
            throw Error(ErrorKind::seed, fmt::format("{}:{}: not a JSON object: {}", shown_as, n, e.what()));
        }
        if (!j.is_object()) throw Error(ErrorKind::seed, fmt::format("{}:{}: not a JSON object", shown_as, n));
        fn(std::move(j));
    }
    if (in.bad()) throw Error(ErrorKind::seed, fmt::format("cannot read {}: {}", shown_as, std::strerror(errno)));
}

std::vector<json> parse_items_text(const std::string& text, const std::string& shown_as) {
    std::vector<json> out;
    std::istringstream in(text);
    for_each_item(in, shown_as, [&](json&& j) { out.push_back(std::move(j)); });
    return out;
}

namespace {

bool numbers_equal(const std::string& a, const std::string& b) {
    if (a == b) return true;
    try {
        return std::stold(a) == std::stold(b);
    } catch (const std::exception&) {
        return false;
    }
}

// Sets (SS, NS, BS) compare without order.
bool sets_equal(const json& a, const json& b, bool numeric) {
    if (!a.is_array() || !b.is_array() || a.size() != b.size()) return false;
    for (const auto& x : a) {
        bool found = false;
        for (const auto& y : b)
            if (numeric ? numbers_equal(x.get<std::string>(), y.get<std::string>()) : x == y) found = true;
        if (!found) return false;
    }
    return true;
}

}  // namespace

bool dynamo_equal(const json& a, const json& b) {
    if (!a.is_object() || !b.is_object()) return a == b;
    if (is_typed_value(a) && is_typed_value(b)) {
        const std::string& ta = a.begin().key();
        if (ta != b.begin().key()) return false;
        const json& va = a.begin().value();
        const json& vb = b.begin().value();
        if (ta == "N") return va.is_string() && vb.is_string() && numbers_equal(va.get<std::string>(), vb.get<std::string>());
        if (ta == "NS") return sets_equal(va, vb, true);
        if (ta == "SS" || ta == "BS") return sets_equal(va, vb, false);
        if (ta == "L") {
            if (!va.is_array() || !vb.is_array() || va.size() != vb.size()) return false;
            for (std::size_t i = 0; i < va.size(); ++i)
                if (!dynamo_equal(va[i], vb[i])) return false;
            return true;
        }
        if (ta == "M") return dynamo_equal(va, vb);
        return va == vb;
    }
    // An item or an M's content: the same attribute names, equal values.
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
        auto other = b.find(it.key());
        if (other == b.end() || !dynamo_equal(it.value(), *other)) return false;
    }
    return true;
}

}  // namespace devenv::aws_seed

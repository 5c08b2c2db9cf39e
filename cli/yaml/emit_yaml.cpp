#include <yaml-cpp/yaml.h>

#include "yaml/yaml.hpp"

namespace devenv {
namespace {

// A quarter of YAML's 1024-character limit on implicit keys: "\xNN" escapes quadruple a byte.
constexpr std::size_t kLongestImplicitKey = 250;

// A string must be quoted when a YAML reader would not read it back as the same string.
bool needs_quotes(const std::string& s) {
    if (s.empty() || s == "<<") return true;  // "<<" plain is a merge key
    // Control characters (a trailing "\r" among them) and blanks at either end survive only in
    // a double-quoted scalar, where they are escaped.
    if (s.front() == ' ' || s.back() == ' ' || s.front() == '\t' || s.back() == '\t') return true;
    for (char c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
    Value reread = Value::from_plain_scalar(s);
    if (!reread.is_string()) return true;  // "17", "true", "null", "1.5"
    // yes/no/on/off are booleans to YAML 1.1 readers (and some Compose users' tools).
    static const char* const k11[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                                      "on", "On", "ON", "off", "Off", "OFF"};
    for (const char* w : k11)
        if (s == w) return true;
    return false;
}

void emit(YAML::Emitter& out, const Value& v) {
    switch (v.type()) {
    case Value::Type::null: out << YAML::Null; break;
    case Value::Type::boolean: out << (v.as_bool() ? "true" : "false"); break;
    case Value::Type::integer:
    case Value::Type::number: out << v.text(); break;
    case Value::Type::string:
        if (needs_quotes(v.text())) out << YAML::DoubleQuoted;
        out << v.text();
        break;
    case Value::Type::sequence:
        if (v.items().empty()) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            break;
        }
        out << YAML::BeginSeq;
        for (const Value& item : v.items()) emit(out, item);
        out << YAML::EndSeq;
        break;
    case Value::Type::mapping:
        if (v.entries().empty()) {
            out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
            break;
        }
        out << YAML::BeginMap;
        for (const Value::Entry& e : v.entries()) {
            // YAML readers take an implicit key of at most 1024 characters; a key that quoting
            // may stretch past that (a control character becomes "\x03") is written explicitly
            // ("? key"), or the file would not read back (fuzz_yaml_roundtrip).
            if (e.key.size() > kLongestImplicitKey) out << YAML::LongKey;
            out << YAML::Key;
            if (needs_quotes(e.key)) out << YAML::DoubleQuoted;
            out << e.key << YAML::Value;
            emit(out, e.value);
        }
        out << YAML::EndMap;
        break;
    }
}

}  // namespace

std::string emit_yaml(const Value& v) {
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetSeqFormat(YAML::Block);
    out.SetMapFormat(YAML::Block);
    emit(out, v);
    std::string s = out.c_str();
    if (s.empty() || s.back() != '\n') s += '\n';
    return s;
}

}  // namespace devenv

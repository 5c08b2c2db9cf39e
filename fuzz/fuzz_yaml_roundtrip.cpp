// The YAML reader and writer: any bytes parse or fail with Error(profile); what parses, written
// out by emit_yaml (the renderer's writer) and read back, is the same tree:
// parse_yaml(emit_yaml(parse_yaml(x))) == parse_yaml(x). NaN compares equal to NaN here.
// fuzz-links: devenv_yaml
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common.hpp"
#include "util/error.hpp"
#include "yaml/yaml.hpp"

namespace {

bool same(const devenv::Value& a, const devenv::Value& b) {
    using T = devenv::Value::Type;
    if (a.type() != b.type()) return false;
    switch (a.type()) {
    case T::number:
        return (std::isnan(a.as_number()) && std::isnan(b.as_number())) || a.as_number() == b.as_number();
    case T::sequence:
        if (a.items().size() != b.items().size()) return false;
        for (std::size_t i = 0; i < a.items().size(); ++i)
            if (!same(a.items()[i], b.items()[i])) return false;
        return true;
    case T::mapping:
        if (a.entries().size() != b.entries().size()) return false;
        for (std::size_t i = 0; i < a.entries().size(); ++i)
            if (a.entries()[i].key != b.entries()[i].key || !same(a.entries()[i].value, b.entries()[i].value))
                return false;
        return true;
    default:
        return a == b;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(devenv::fuzz::as_text(data, size));
    devenv::Value first;
    try {
        first = devenv::parse_yaml(text, "fuzz.yaml");
    } catch (const devenv::Error&) {
        return 0;
    }
    std::string emitted = devenv::emit_yaml(first);
    devenv::Value second;
    try {
        second = devenv::parse_yaml(emitted, "emitted.yaml");
    } catch (const devenv::Error& e) {
        std::fprintf(stderr, "emitted YAML does not parse: %s\n---\n%s\n---\n", e.message().c_str(), emitted.c_str());
        std::abort();
    }
    if (!same(first, second)) {
        std::fprintf(stderr, "round trip changed the tree\n--- emitted\n%s\n--- again\n%s\n", emitted.c_str(),
                     devenv::emit_yaml(second).c_str());
        std::abort();
    }
    // The writer is deterministic and a fixed point after one pass.
    if (devenv::emit_yaml(second) != emitted) std::abort();
    return 0;
}

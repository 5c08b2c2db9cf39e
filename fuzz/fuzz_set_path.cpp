// --set PATH=VALUE on a document: split_path and set_path take any path, and either set the
// value (then reading the path back finds it) or refuse with Error(usage). The first line is
// PATH=VALUE (VALUE read as YAML, as --set does), the rest the document set into.
// fuzz-links: devenv_yaml
#include <cstdlib>

#include "common.hpp"
#include "util/error.hpp"
#include "yaml/merge.hpp"
#include "yaml/yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using devenv::fuzz::split_once;
    auto [arg, doc_text] = split_once(devenv::fuzz::as_text(data, size), "\n");
    auto [path, raw] = split_once(arg, "=");
    devenv::Value doc;
    try {
        doc = devenv::parse_yaml(std::string(doc_text), "fuzz.yaml");
    } catch (const devenv::Error&) {
        doc = devenv::Value::mapping();
    }
    if (doc.is_null()) doc = devenv::Value::mapping();
    devenv::Value value;
    try {
        value = devenv::parse_yaml(std::string(raw), "--set");
    } catch (const devenv::Error&) {
        value = devenv::Value::string(std::string(raw));
    }
    try {
        (void)devenv::split_path(std::string(path));
    } catch (const devenv::Error&) {
    }
    try {
        devenv::set_path(doc, std::string(path), value);
    } catch (const devenv::Error& e) {
        if (e.kind() != devenv::ErrorKind::usage && e.kind() != devenv::ErrorKind::profile) std::abort();
        return 0;
    }
    (void)devenv::emit_yaml(doc);
    // Merging the result over itself changes nothing it holds.
    (void)devenv::deep_merge(doc, doc);
    return 0;
}

// The Engine API's container answers (list and inspect) as devenv reads them: any JSON, of any
// shape, gives a ContainerInfo; only the JSON parse itself may fail (as get_json reports it).
// The input is a list answer, or "LIST\n\x00INSPECT" to feed each entry its inspect answer.
// fuzz-links: devenv_engine
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "common.hpp"
#include "engine/docker_json.hpp"

namespace {

std::optional<nlohmann::json> parse(std::string_view text) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using devenv::fuzz::split_once;
    auto [list_text, inspect_text] = split_once(devenv::fuzz::as_text(data, size), std::string_view("\n\0", 2));
    auto list = parse(list_text);
    auto inspect = parse(inspect_text);
    if (list) {
        std::vector<nlohmann::json> entries;
        if (list->is_array()) entries.assign(list->begin(), list->end());
        else entries.push_back(*list);
        for (const auto& j : entries) {
            devenv::ContainerInfo c = devenv::container_from_list(j);
            if (inspect) devenv::apply_container_inspect(c, *inspect);
            devenv::apply_container_inspect(c, j);  // an entry read as an inspect answer too
        }
    }
    if (inspect) {
        devenv::ContainerInfo c;
        devenv::apply_container_inspect(c, *inspect);
        devenv::parse_container_status(c);
    }
    return 0;
}

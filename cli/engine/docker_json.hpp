#pragma once
// Reading the Engine API's container answers (GET /containers/json, /containers/ID/json) into
// ContainerInfo: pure functions of the JSON, so any answer an engine may send is readable
// (fuzz/fuzz_engine_json.cpp). Missing or mistyped fields read as empty / 0 / false.
#include <nlohmann/json.hpp>

#include "engine/docker_api.hpp"

namespace devenv {

// One entry of the list answer.
ContainerInfo container_from_list(const nlohmann::json& j);
// Adds what only inspect knows (restart count, health log, times, TTY, error) to `c`.
void apply_container_inspect(ContainerInfo& c, const nlohmann::json& j);
// Exit code and health from the list's status text ("Exited (3) 2 seconds ago").
void parse_container_status(ContainerInfo& c);
// A string field of an object; "" when absent, not a string, or `j` is no object.
std::string json_str(const nlohmann::json& j, const char* key);

}  // namespace devenv

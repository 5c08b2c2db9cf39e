#pragma once
// A throwaway project folder for loader tests.
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>

#include "probe/kinds.hpp"
#include "profile/load.hpp"

namespace devenv::test {

class TempProject {
public:
    TempProject() {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() / ("devenv-test-" + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
    }
    ~TempProject() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    TempProject(const TempProject&) = delete;
    TempProject& operator=(const TempProject&) = delete;

    void write(const std::string& rel, const std::string& text) const {
        auto p = dir_ / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p) << text;
    }
    std::string dir() const { return dir_.string(); }

    LoadOptions options(std::string profile = {}) const {
        LoadOptions o;
        o.project_dir = dir();
        o.profile = std::move(profile);
        o.project_name = "test";
        o.language = &probe_language();
        o.getenv = [this](std::string_view n) -> std::optional<std::string> {
            auto it = env.find(std::string(n));
            if (it == env.end()) return std::nullopt;
            return it->second;
        };
        return o;
    }

    std::map<std::string, std::string> env;

private:
    std::filesystem::path dir_;
};

inline const char* kDbTemplate = R"(template: db
description: test database
params:
  version: {type: string, default: "17"}
  image: {type: string, default: "pg:${version}"}
  password: {type: string, default: secretpw, secret: true}
  port: {type: port, default: 5432}
  flags: {type: list, default: [a, b]}
  variant: {type: enum, values: [plain, gis], default: plain}
variants:
  gis:
    params: {image: {default: "gis:${version}"}}
service:
  image: "${image}"
  ports: ["${port}:5432"]
  command: "${flags}"
  environment: {PW: "${password}", NAME: "${service}"}
  volumes: ["${service}-data:/data"]
volumes:
  "${service}-data": {}
probe: {kind: postgres, port: "${port}", password: "${password}"}
exports:
  URL: "db://u:${password}@${host}:${port}/x"
seeds: [postgres]
)";

}  // namespace devenv::test

#pragma once
// Seeders and reset strategies for PostgreSQL, Redis, Kafka, Kafka Connect, Schema Registry,
// Vault and MongoDB.
#include "seed/seed.hpp"

namespace devenv {}  // namespace devenv

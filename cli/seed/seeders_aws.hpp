#pragma once
// Seeders and reset strategies for the AWS emulators (LocalStack, moto) and MinIO's S3 API.
#include "seed/seed.hpp"

namespace devenv {}  // namespace devenv

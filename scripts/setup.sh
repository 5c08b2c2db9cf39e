#!/usr/bin/env bash
# Everything a fresh Debian 12 machine needs to build and run devenv here: packages, a Docker
# engine with Compose v2, the stand-in service images (no registry is reachable), the build.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/install-deps.sh
bash scripts/start-engine.sh
bash scripts/build-standin-images.sh
echo "setup: machine ready in $(( $(date +%s) - start )) s"
bash scripts/build.sh

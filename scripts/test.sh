#!/usr/bin/env bash
# Everything the tests need on a fresh Debian 12 machine, then every test:
# dependencies, a Docker engine with Compose v2, stand-in service images, the build,
# the unit tests (doctest) and the end-to-end tests (pytest, real containers).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== module boundaries (docs/architecture.md: includes, CMake links and sources, terminal output)"
python3 scripts/check-layers.py
bash scripts/setup.sh
shared=${DEVENV_SHARED_DIR:-$PWD/../shared}
[ -d "$shared/testdata" ] || echo "test.sh: no shared test data at $shared/testdata (AWS SigV4 suite, Compose schema): the tests that need it will fail; set DEVENV_SHARED_DIR" >&2
echo "== unit tests (with real PostgreSQL, Redis, moto and the engine)"
bash scripts/unit-services.sh ./build/devenv_tests
echo "== package (.deb built, installed with dpkg, run from /usr/bin)"
bash scripts/test-deb.sh build
echo "== sanitizers: ASan+UBSan unit tests, every fuzz target 30 s, e2e lifecycle/seed with the sanitized binary"
bash scripts/sanitize.sh
echo "== end-to-end tests"
# Debian's python3 (pytest, jsonschema, yaml come from Debian packages).
DEVENV_BIN="$PWD/build/devenv" /usr/bin/python3 -m pytest -ra tests/e2e "$@"

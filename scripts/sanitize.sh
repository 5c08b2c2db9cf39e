#!/usr/bin/env bash
# The sanitizer step of scripts/test.sh: one clang tree (build-asan/: ASan + UBSan, libFuzzer's
# coverage on every object) serves the unit tests, the fuzz targets and a part of the e2e suite.
#   1. configure and build build-asan/ (devenv, devenv_tests, every fuzz target; ccache applies)
#   2. the unit tests under ASan+UBSan with leak checking, with the services they need
#   3. every fuzz target for FUZZ_SECONDS (default 30) on its corpus (scripts/fuzz.sh)
#   4. the e2e lifecycle and seed tests with the sanitized binary (SANITIZE_E2E, a pytest -k)
# Any sanitizer report fails the step. SANITIZE_SKIP="e2e fuzz" leaves parts out.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-asan
skip=" ${SANITIZE_SKIP:-} "
step_start=$SECONDS
elapsed() { echo "$((SECONDS - step_start)) s"; }

echo "== sanitizer build (clang-14, ASan+UBSan, libFuzzer) in $build/"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDEVENV_FUZZ=ON >/dev/null
fi
nice ninja -C "$build" -j"$(nproc)" devenv devenv_tests fuzz_targets
echo "sanitize: built in $(elapsed)"

# Reports abort (no recovery), leaks are reported at exit, and every report fails the run.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

echo "== unit tests under ASan+UBSan (with real PostgreSQL, Redis, moto and the engine)"
bash scripts/unit-services.sh "./$build/devenv_tests"
echo "sanitize: unit tests done at $(elapsed)"

if [[ $skip != *" fuzz "* ]]; then
  echo "== fuzz targets, ${FUZZ_SECONDS:-30} s each"
  FUZZ_BUILD=$build FUZZ_JOBS="$(nproc)" FUZZ_NICE=0 bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
  echo "sanitize: fuzzing done at $(elapsed)"
fi

if [[ $skip != *" e2e "* ]]; then
  echo "== e2e lifecycle and seed tests with the sanitized binary"
  reports=$(mktemp -d)
  # A report is written to $reports and makes devenv exit 86; after the run there must be none.
  ASAN_OPTIONS="detect_leaks=1:log_path=$reports/asan:exitcode=86" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan" \
  DEVENV_BIN="$PWD/$build/devenv" /usr/bin/python3 -m pytest -ra -p no:cacheprovider \
    tests/e2e/test_lifecycle.py tests/e2e/test_seed.py \
    -k "${SANITIZE_E2E:-aws_up_status or data_kept or fast_noop or exiting_during or no_engine or port_taken or seed}" || {
      echo "sanitize: e2e tests failed" >&2
      cat "$reports"/* 2>/dev/null >&2 || true
      exit 1
    }
  if compgen -G "$reports/*" >/dev/null; then
    echo "sanitize: the sanitized devenv reported errors during the e2e tests:" >&2
    cat "$reports"/* >&2
    exit 1
  fi
  rm -rf "$reports"
  echo "sanitize: e2e done at $(elapsed)"
fi
echo "sanitize: zero reports; the whole step took $(elapsed)"

#!/usr/bin/env bash
# Runs every libFuzzer target (fuzz/fuzz_*.cpp) for SECONDS each (default 30) on its seed
# corpus, keeping what it finds. Needs the clang tree built with -DDEVENV_FUZZ=ON:
#   CC=clang-14 CXX=clang++-14 cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDEVENV_FUZZ=ON
#   nice ninja -C build-asan fuzz_targets
#
# usage: scripts/fuzz.sh [SECONDS] [TARGET...]     (TARGET: fuzz_yaml_roundtrip, ...; default all)
# env:   FUZZ_BUILD   the build tree (default build-asan)
#        FUZZ_JOBS    targets run at the same time (default 1)
#        FUZZ_WORK    where new corpus entries and logs go (default $FUZZ_BUILD/fuzz-work);
#                     the seeds in fuzz/corpus/TARGET/ are read, never written
#        FUZZ_NICE    nice level (default 19)
#        FUZZ_KEEP_GOING=1  go on after a finding (libFuzzer's -fork=1 -ignore_*), to collect
#                     every kind of finding in one long run; by default the first one stops it
#
# Each target runs with -timeout=1 (an input taking over 1 s is a finding), -rss_limit_mb=512
# (so is one needing over 512 MB) and leak checking. A crash, leak, timeout or out-of-memory
# input is kept in fuzz/artifacts/TARGET/ (crash-*, leak-*, timeout-*, oom-*); reproduce it
# with `build-asan/fuzz/TARGET fuzz/artifacts/TARGET/FILE`, then add it to fuzz/corpus/TARGET/
# and a case to tests/unit/hardening/. Exit status 1 when any target found something.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
shift || true
build=${FUZZ_BUILD:-build-asan}
work=${FUZZ_WORK:-$build/fuzz-work}
jobs=${FUZZ_JOBS:-1}
nice_level=${FUZZ_NICE:-19}

if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    targets=()
    for src in fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi

# The longest input worth trying per target: profiles and responses are small documents;
# larger inputs only slow the search (the limits on huge files are unit-tested).
max_len() {
    case $1 in
        fuzz_duration) echo 64 ;;
        fuzz_set_path) echo 1024 ;;
        fuzz_docker_stream) echo 4096 ;;
        fuzz_profile_load) echo 16384 ;;
        *) echo 8192 ;;
    esac
}

for t in "${targets[@]}"; do
    if [[ ! -x $build/fuzz/$t ]]; then
        echo "fuzz: $build/fuzz/$t is not built (configure with -DDEVENV_FUZZ=ON, build fuzz_targets)" >&2
        exit 2
    fi
done

run_one() {
    local t=$1
    local corpus=fuzz/corpus/$t out=$work/$t artifacts=fuzz/artifacts/$t
    mkdir -p "$out/corpus" "$artifacts" "$corpus"
    local dict=()
    [[ -f fuzz/$t.dict ]] && dict=(-dict="fuzz/$t.dict")
    local keep_going=()
    [[ ${FUZZ_KEEP_GOING:-0} == 1 ]] && keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    local before
    before=$(find "$artifacts" -type f | wc -l)
    # Leaks are checked by libFuzzer itself (-detect_leaks=1, the default under ASan);
    # a UBSan report aborts (the tree is built with -fno-sanitize-recover=undefined).
    # A smaller quarantine than ASan's 256 MB, so -rss_limit_mb measures the parser, not ASan.
    ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1}:detect_leaks=1:quarantine_size_mb=32" \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        nice -n "$nice_level" "$build/fuzz/$t" "${dict[@]}" "${keep_going[@]}" \
        -max_total_time="$seconds" -timeout=1 -rss_limit_mb=512 -max_len="$(max_len "$t")" \
        -print_final_stats=1 -artifact_prefix="$artifacts/" \
        "$out/corpus" "$corpus" >"$out/log" 2>&1
    local rc=$?
    local execs found
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log" | tail -1)
    # In fork mode the parent prints "#EXECS: cov: ..." lines instead of final stats.
    [[ -z $execs ]] && execs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$out/log" | tail -1)
    found=$(($(find "$artifacts" -type f | wc -l) - before))
    local verdict=ok
    if [[ $rc -ne 0 || $found -gt 0 ]]; then
        verdict="FOUND (exit $rc, $found new artifact(s) in $artifacts/; log $out/log)"
        grep -m3 -E "ERROR: |SUMMARY: |runtime error|ALARM|out-of-memory" "$out/log" | sed 's/^/    /'
    fi
    printf '%-24s %8s s  %12s execs  corpus %5s  %s\n' "$t" "$seconds" "${execs:-?}" \
        "$(find "$out/corpus" "$corpus" -type f | wc -l)" "$verdict"
    [[ $verdict == ok ]]
}

failed=0
running=0
pids=()
for t in "${targets[@]}"; do
    run_one "$t" &
    pids+=($!)
    running=$((running + 1))
    if [[ $running -ge $jobs ]]; then
        wait -n || failed=1
        running=$((running - 1))
    fi
done
while [[ $running -gt 0 ]]; do
    wait -n || failed=1
    running=$((running - 1))
done
exit $failed

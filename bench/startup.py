#!/usr/bin/python3
"""devenv's start-up and status benchmark: two builds, one environment, one run, medians.

On a running PostgreSQL + Redis + moto (the stand-in images, a free random port offset, its own
Compose project, removed at the end), for a `before` and an `after` binary, interleaved round by
round so that the machine's load hits both alike:

  1. commands that need no outside library, whole process: `devenv version`, `devenv --help`,
     `devenv templates`, `devenv render` (goal: at most 5 ms each);
  2. `devenv status --json`, whole process, and the latency of each probe it prints; the
     overhead is the whole process minus its slowest probe (goal: at most 15 ms);
  3. each probe alone: `devenv status --json SERVICE` (whole process and the probe's latency);
  4. `devenv up` when already up and unchanged (goal: under 50 ms);
  5. for comparison: `docker compose ps --format json`, `docker ps`, and the floor of starting a
     process from this script (`/bin/true`).

Also, once per binary: the shared objects the loader maps before main() (`ldd`), and
glibc's LD_DEBUG=statistics for `devenv version` (the loader's own time and relocations).

Writes bench/results/startup.md (and prints it). Standard library only; hyperfine (Debian's
package, scripts/install-deps.sh) cross-checks `devenv version` when it is installed.
Usage: bench/startup.py --before PATH [--after PATH] [--runs N] [--out FILE]
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import pick_offset  # bench/common.py

ROOT = Path(__file__).resolve().parents[1]

PROFILE = """name: bench
description: PostgreSQL + Redis + moto on the stand-in images (devenv's start-up benchmark)
services:
  postgres:
    template: postgres
    with: {image: devenv-standin/postgres:17}
  redis:
    template: redis
    with: {image: devenv-standin/redis:8}
  aws:
    template: moto
    with: {image: devenv-standin/moto:5, services: [dynamodb, sqs, ssm, s3, events, secretsmanager]}
"""
PORTS = {"postgres": 5432, "redis": 6379, "aws": 4566}
CPU = []  # user + system seconds of every process run() waited for, in order (the last is the latest)
IMAGES = ("devenv-standin/postgres:17", "devenv-standin/redis:8", "devenv-standin/moto:5")


def run(argv, cwd=None, env=None):
    """One whole process, wall clock from just before the spawn to its exit; output captured."""
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        t0 = time.perf_counter()
        p = subprocess.Popen([str(a) for a in argv], cwd=cwd, env=env, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        secs = time.perf_counter() - t0
        CPU.append(ru.ru_utime + ru.ru_stime)
        fo.seek(0)
        fe.seek(0)
        return os.waitstatus_to_exitcode(status), fo.read().decode(errors="replace"), fe.read().decode(errors="replace"), secs


def must(argv, cwd=None, env=None, ok=(0,)):
    code, out, err, secs = run(argv, cwd=cwd, env=env)
    if code not in ok:
        sys.exit(f"failed (exit {code}): {' '.join(map(str, argv))}\n{out}\n{err}")
    return out, secs


def loader_facts(binary):
    """(shared objects ldd lists, LD_DEBUG=statistics lines of `version`)."""
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    objects = [l for l in ldd.splitlines() if "=>" in l or l.strip().startswith("/")]
    env = {**os.environ, "LD_DEBUG": "statistics"}
    err = subprocess.run([binary, "version"], capture_output=True, text=True, env=env).stderr
    stats = {}
    for key, pat in (("loader_time", r"total startup time in dynamic loader:\s*(.+)"),
                     ("relocations", r"number of relocations:\s*(\d+)"),
                     ("load_time", r"time needed to load objects:\s*(.+)")):
        m = re.search(pat, err)
        if m:
            stats[key] = m.group(1).strip()
    return len(objects), stats


def hyperfine(binary, runs):
    """Median of `binary version` by hyperfine (no shell), or None when it is not installed."""
    if not shutil.which("hyperfine"):
        return None
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        p = subprocess.run(["hyperfine", "-N", "--warmup", "5", "--runs", str(runs), "--export-json", f.name,
                            f"{binary} version"], capture_output=True, text=True)
        if p.returncode != 0:
            return None
        return json.loads(Path(f.name).read_text())["results"][0]["median"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True, help="devenv built from main as it was (a second build folder)")
    ap.add_argument("--after", default=os.environ.get("DEVENV_BIN", str(ROOT / "build" / "devenv")))
    ap.add_argument("--runs", type=int, default=20, help="rounds of every measurement (each binary once a round)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "startup.md"))
    a = ap.parse_args()
    bins = {"before": str(Path(a.before).resolve()), "after": str(Path(a.after).resolve())}

    if run(["docker", "info"])[0] != 0:
        sys.exit("no Docker engine answers: run scripts/start-engine.sh")
    for img in IMAGES:
        if run(["docker", "image", "inspect", img])[0] != 0:
            sys.exit(f"missing image {img}: run scripts/build-standin-images.sh")

    work = Path(tempfile.mkdtemp(prefix="devenv-bench-startup-"))
    (work / "devenv.yaml").write_text(PROFILE)
    name = f"bench-startup-{uuid.uuid4().hex[:8]}"
    offset = pick_offset(PORTS.values())
    env = {**os.environ, "NO_COLOR": "1", "CI": "1"}
    opts = ["--project-name", name, "--port-offset", str(offset)]
    compose_file = work / "bench-compose.yaml"
    dc = ["docker", "compose", "-p", name, "--project-directory", str(work), "-f", str(compose_file)]

    med = statistics.median
    light = {"version": ["version"], "--help": ["--help"], "templates": ["templates"], "render": ["render", *opts]}
    t = {b: {k: [] for k in [*light, "status", "status_overhead", "up_again"]} for b in bins}
    cpu = {b: {k: [] for k in [*light, "status", "up_again"]} for b in bins}
    probe_in_status = {b: {s: [] for s in PORTS} for b in bins}
    alone = {b: {s: {"wall": [], "latency": []} for s in PORTS} for b in bins}
    refs = {"docker compose ps --format json": [], "docker ps": [], "/bin/true (spawn floor)": []}
    try:
        compose_file.write_text(must([bins["after"], "render", *opts], cwd=work, env=env)[0])
        must([bins["after"], "up", *opts], cwd=work, env=env)
        # Warm-up: moto loads each service's model on its first call; page cache for both binaries.
        for b in bins.values():
            for _ in range(3):
                must([b, "status", *opts], cwd=work, env=env)
        for i in range(a.runs):
            print(f"round {i + 1}/{a.runs}", file=sys.stderr)
            for which, b in bins.items():
                for k, args in light.items():
                    t[which][k].append(must([b, *args], cwd=work, env=env)[1])
                    cpu[which][k].append(CPU[-1])
                out, secs = must([b, "status", "--json", *opts], cwd=work, env=env)
                doc = json.loads(out)
                lat = {s["name"]: s["probe"]["latency_ms"] / 1000 for s in doc["services"]}
                if not doc["ready"]:
                    sys.exit(f"status is not ready: {out}")
                t[which]["status"].append(secs)
                cpu[which]["status"].append(CPU[-1])
                t[which]["status_overhead"].append(secs - max(lat.values()))
                for s, v in lat.items():
                    probe_in_status[which][s].append(v)
                for s in PORTS:
                    out, secs = must([b, "status", "--json", *opts, s], cwd=work, env=env)
                    alone[which][s]["wall"].append(secs)
                    alone[which][s]["latency"].append(json.loads(out)["services"][0]["probe"]["latency_ms"] / 1000)
                out, secs = must([b, "up", *opts], cwd=work, env=env)
                if "already up" not in out:
                    sys.exit(f"up on a running environment was not a no-op: {out}")
                t[which]["up_again"].append(secs)
                cpu[which]["up_again"].append(CPU[-1])
            refs["docker compose ps --format json"].append(must([*dc, "ps", "--format", "json"], cwd=work)[1])
            refs["docker ps"].append(must(["docker", "ps"])[1])
            refs["/bin/true (spawn floor)"].append(must(["/bin/true"])[1])
    finally:
        run([bins["after"], "down", "--volumes", *opts], cwd=work, env=env)
        run([*dc, "down", "--volumes", "--remove-orphans", "--timeout", "3"], cwd=work)
        shutil.rmtree(work, ignore_errors=True)

    facts = {w: loader_facts(b) for w, b in bins.items()}
    hf = {w: hyperfine(b, max(a.runs, 30)) for w, b in bins.items()}

    ms = lambda v: f"{v * 1000:.1f} ms"
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    docker_v = subprocess.run(["docker", "version", "--format", "{{.Server.Version}}"], capture_output=True,
                              text=True).stdout.strip()
    load = os.getloadavg()
    row = lambda label, k: f"| {label} | {ms(med(t['before'][k]))} | {ms(med(t['after'][k]))} | " \
                           f"{med(t['before'][k]) / med(t['after'][k]):.1f}x |"
    lines = [
        "# Start-up and status benchmark",
        "",
        f"`bench/startup.py` at {commit}, {time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()}, Docker Engine {docker_v}; load average at the end "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (the machine is shared).",
        f"before: `{bins['before']}`; after: `{bins['after']}`. PostgreSQL 17 + Redis 8 + moto (6 AWS services) "
        f"on the stand-in images, running. Medians of {a.runs} rounds, the two binaries interleaved in every "
        "round; every time is a whole process started from Python (its own floor is the `/bin/true` row).",
        "",
        "## Commands that need no outside library (goal: at most 5 ms)",
        "",
        "| command | before | after | speed-up | CPU (user + system) before | after |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for k in light:
        lines.append(row(f"`devenv {k}`", k) + f" {ms(med(cpu['before'][k]))} | {ms(med(cpu['after'][k]))} |")
    if hf["before"] and hf["after"]:
        lines.append(f"| `devenv version` by hyperfine -N | {ms(hf['before'])} | {ms(hf['after'])} | "
                     f"{hf['before'] / hf['after']:.1f}x | | |")
    lines += [
        "",
        "What the loader does before main() (`ldd`; glibc's `LD_DEBUG=statistics` for `devenv version`):",
        "",
        "| | before | after |",
        "| --- | --- | --- |",
        f"| shared objects ldd lists | {facts['before'][0]} | {facts['after'][0]} |",
    ]
    for key, label in (("load_time", "time to load objects"), ("relocations", "relocations"),
                       ("loader_time", "time in the dynamic loader")):
        lines.append(f"| {label} | {facts['before'][1].get(key, '?')} | {facts['after'][1].get(key, '?')} |")
    lines += [
        "",
        "## `devenv status` (goal: at most 15 ms more than its slowest probe)",
        "",
        "| | before | after |",
        "| --- | --- | --- |",
        f"| `devenv status --json`, whole process | {ms(med(t['before']['status']))} | {ms(med(t['after']['status']))} |",
        f"| its CPU time (user + system, all threads) | {ms(med(cpu['before']['status']))} | {ms(med(cpu['after']['status']))} |",
    ]
    for s in PORTS:
        lines.append(f"| its {s} probe's latency | {ms(med(probe_in_status['before'][s]))} | "
                     f"{ms(med(probe_in_status['after'][s]))} |")
    lines += [
        f"| whole process minus its slowest probe (median per run) | {ms(med(t['before']['status_overhead']))} | "
        f"{ms(med(t['after']['status_overhead']))} |",
        "",
        "Each probe alone (`devenv status --json SERVICE`): whole process / the probe's latency.",
        "",
        "| service | before | after |",
        "| --- | --- | --- |",
    ]
    for s in PORTS:
        lines.append(f"| {s} | {ms(med(alone['before'][s]['wall']))} / {ms(med(alone['before'][s]['latency']))} | "
                     f"{ms(med(alone['after'][s]['wall']))} / {ms(med(alone['after'][s]['latency']))} |")
    lines += [
        "",
        "## `devenv up` when already up and unchanged (goal: under 50 ms)",
        "",
        "| command | before | after | speed-up |",
        "| --- | --- | --- | --- |",
        row("`devenv up`", "up_again"),
        f"| its CPU time | {ms(med(cpu['before']['up_again']))} | {ms(med(cpu['after']['up_again']))} | |",
        "",
        "## For comparison",
        "",
        "| command | median | min | max |",
        "| --- | --- | --- | --- |",
    ]
    for k, v in refs.items():
        lines.append(f"| `{k}` | {ms(med(v))} | {ms(min(v))} | {ms(max(v))} |")
    lines += [
        "",
        "Raw seconds: " + json.dumps({
            "timings": {w: {k: [round(x, 5) for x in v] for k, v in d.items()} for w, d in t.items()},
            "cpu": {w: {k: [round(x, 5) for x in v] for k, v in d.items()} for w, d in cpu.items()},
            "probe_in_status": {w: {k: [round(x, 5) for x in v] for k, v in d.items()} for w, d in probe_in_status.items()},
            "alone": {w: {s: {k: [round(x, 5) for x in v] for k, v in d.items()} for s, d in dd.items()}
                      for w, dd in alone.items()},
            "compare": {k: [round(x, 5) for x in v] for k, v in refs.items()}}),
        "",
    ]
    text = "\n".join(lines)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()

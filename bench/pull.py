#!/usr/bin/env python3
"""Pull time: `devenv pull` against `docker compose pull` of the same images from the same local
registry (Debian's docker-registry on a random 127.0.0.1 port, as tests/e2e/test_pulls.py starts
it), interleaved, each run after removing the registry-named tags (only those) so both fetch
every byte. The images are two stand-ins plus one layer of random bytes each (the stand-ins' own
layers are on the engine already, so only the random layers are transferred: --pg-mb and
--moto-mb). Medians of --runs; writes bench/results/pull.md.

    /usr/bin/python3 bench/pull.py [--runs 3] [--pg-mb 300] [--moto-mb 100] [--devenv build/devenv]
    /usr/bin/python3 bench/pull.py --storage /var/cache/devenv-test-registry/KEY --pg-mb 160 --moto-mb 24
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from pull_registry import Registry, docker, push_with_blob, remove_tags  # noqa: E402


def timed(argv, cwd, env=None):
    t0 = time.monotonic()
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    secs = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return secs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pg-mb", type=int, default=300)
    ap.add_argument("--moto-mb", type=int, default=100)
    ap.add_argument("--devenv", default=str(ROOT / "build" / "devenv"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "pull.md"))
    ap.add_argument("--storage", help="serve an existing registry storage holding devenv/postgres:17 and devenv/moto:5 "
                                      "(the e2e tests' cache, /var/cache/devenv-test-registry/KEY) instead of pushing")
    a = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="devenv-bench-pull-"))
    reg = Registry(work / "registry", storage=Path(a.storage) if a.storage else None)
    reg.start()
    try:
        if a.storage:
            pg, moto = f"{reg.addr}/devenv/postgres:17", f"{reg.addr}/devenv/moto:5"
        else:
            pg = push_with_blob(reg, "devenv-standin/postgres:17", "bench/postgres:17", a.pg_mb)
            moto = push_with_blob(reg, "devenv-standin/moto:5", "bench/moto:5", a.moto_mb)
        proj = work / "proj"
        proj.mkdir()
        sets = ["--set", f"services.postgres.image={pg}", "--set", f"services.aws.image={moto}"]
        env = {"AWS_EMULATOR": "moto", "CI": "true"}
        render = subprocess.run([a.devenv, "render", "aws", *sets, "-o", str(proj / "compose.yaml")], cwd=proj,
                                capture_output=True, text=True, env={**os.environ, **env})
        if render.returncode != 0:
            sys.exit(render.stderr)
        devenv_s, compose_s = [], []
        for _ in range(a.runs):
            remove_tags(pg, moto)
            devenv_s.append(timed([a.devenv, "pull", "aws", *sets], proj, env))
            remove_tags(pg, moto)
            compose_s.append(timed(["docker", "compose", "-p", "bench-pull", "-f", str(proj / "compose.yaml"), "pull"],
                                   proj, env))
        remove_tags(pg, moto)
    finally:
        reg.stop()
        remove_tags(f"{reg.addr}/bench/postgres:17", f"{reg.addr}/bench/moto:5",
                    f"{reg.addr}/devenv/postgres:17", f"{reg.addr}/devenv/moto:5")

    med_d, med_c = statistics.median(devenv_s), statistics.median(compose_s)
    total_mb = a.pg_mb + a.moto_mb
    load = os.getloadavg()[0]
    compose_version = subprocess.run(["docker", "compose", "version", "--short"], capture_output=True, text=True).stdout.strip()
    engine = docker("version", "--format", "{{.Server.Version}}").stdout.strip()
    text = f"""# Image pulls: `devenv pull` against `docker compose pull`

`bench/pull.py --runs {a.runs} --pg-mb {a.pg_mb} --moto-mb {a.moto_mb}`, on this machine (2 shared cores,
load average {load:.1f} at the end), Engine {engine}, Compose {compose_version}. The same two images
(`devenv-standin/postgres:17` + {a.pg_mb} MB and `devenv-standin/moto:5` + {a.moto_mb} MB of random
bytes, one layer each on top of the stand-in's, {total_mb} MB to transfer) from one local
`docker-registry` on 127.0.0.1; before every run the registry-named tags are removed, so each
run fetches every new byte. Runs interleaved (devenv, compose, devenv, ...); whole processes.

| | median | runs (s) |
| --- | --- | --- |
| `devenv pull aws --set ...` | {med_d:.2f} s | {', '.join(f'{x:.2f}' for x in devenv_s)} |
| `docker compose -f rendered.yaml pull` | {med_c:.2f} s | {', '.join(f'{x:.2f}' for x in compose_s)} |

devenv / Compose: {med_d / med_c:.2f}. Both ask the same engine to pull both images at once (the
engine does the transfer and the extraction); what differs is the client: devenv's streaming
Engine API calls and its progress lines, against Compose's own. The network here is the
loopback, so the figures are dominated by the engine writing and extracting the layers; on a
real network both wait on the same transfer.
"""
    Path(a.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()

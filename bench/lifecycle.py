#!/usr/bin/python3
"""devenv's lifecycle benchmark: one run, one environment, medians of several runs.

  1. `devenv status` against `docker compose ps --format json` (whole process each).
  2. Start to ready of PostgreSQL + Redis + moto on fresh volumes:
     `devenv up` / `docker compose up -d --wait` with a 5 s healthcheck interval /
     `docker compose up -d` and the moment each service first answers, polled from the host
     every 20 ms by one Python process (PostgreSQL startup packet, Redis PING, HTTP GET).
  3. `devenv up` on an environment that is already up.

Writes bench/results/lifecycle.md (and prints it). See bench/README.md.
Usage: bench/lifecycle.py [--runs N] [--status-runs N] [--devenv PATH] [--out FILE]
"""
import argparse
import json
import os
import platform
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import yaml

from common import pick_offset  # bench/common.py

ROOT = Path(__file__).resolve().parents[1]

PROFILE = """name: bench
description: PostgreSQL + Redis + moto on the stand-in images (devenv's lifecycle benchmark)
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


def sh(argv, cwd=None, check=True, env=None):
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, argv))}\n{p.stdout}\n{p.stderr}")
    return p


def timed(argv, cwd=None, check=True, env=None):
    t0 = time.perf_counter()
    p = sh(argv, cwd=cwd, check=check, env=env)
    return time.perf_counter() - t0, p


# --- First answer, from the host, one process, every 20 ms -----------------------------------

def pg_answers(port):
    """True once PostgreSQL accepts a connection: a startup packet gets an authentication
    request ('R'), not an error such as 'the database system is starting up'."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            params = b"user\0postgres\0database\0postgres\0\0"
            s.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
            s.settimeout(0.5)
            return s.recv(1)[:1] == b"R"
    except OSError:
        return False


def redis_answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            s.settimeout(0.5)
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def http_answers(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=0.5) as r:
            return r.status == 200
    except Exception:
        return False


def first_answers(ports, t0, limit=120):
    checks = {"postgres": pg_answers, "redis": redis_answers, "aws": http_answers}
    seen = {}
    while len(seen) < len(checks):
        if time.perf_counter() - t0 > limit:
            sys.exit(f"services not answering after {limit} s: {set(checks) - set(seen)}")
        for name, check in checks.items():
            if name not in seen and check(ports[name]):
                seen[name] = time.perf_counter() - t0
        time.sleep(0.02)
    return seen


# --- The benchmark -----------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5, help="start-to-ready runs of each kind")
    ap.add_argument("--status-runs", type=int, default=20, help="runs of status / compose ps / up when up")
    ap.add_argument("--devenv", default=os.environ.get("DEVENV_BIN", str(ROOT / "build" / "devenv")))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "lifecycle.md"))
    a = ap.parse_args()

    if sh(["docker", "info"], check=False).returncode != 0:
        sys.exit("no Docker engine answers: run scripts/start-engine.sh")
    for img in ("devenv-standin/postgres:17", "devenv-standin/redis:8", "devenv-standin/moto:5"):
        if sh(["docker", "image", "inspect", img], check=False).returncode != 0:
            sys.exit(f"missing image {img}: run scripts/build-standin-images.sh")

    work = Path(tempfile.mkdtemp(prefix="devenv-bench-"))
    (work / "devenv.yaml").write_text(PROFILE)
    name = f"bench-{uuid.uuid4().hex[:8]}"
    offset = pick_offset(PORTS.values())
    ports = {k: v + offset for k, v in PORTS.items()}
    env = {**os.environ, "NO_COLOR": "1", "CI": "1"}
    dv = [a.devenv]
    opts = ["--project-name", name, "--port-offset", str(offset)]
    compose_file = work / "bench-compose.yaml"
    compose_file.write_text(sh([*dv, "render", *opts], cwd=work, env=env).stdout)
    doc = yaml.safe_load(compose_file.read_text())
    for svc in doc["services"].values():
        if "healthcheck" in svc:
            svc["healthcheck"]["interval"] = "5s"
    wait_file = work / "bench-compose-wait5s.yaml"
    wait_file.write_text(yaml.safe_dump(doc, sort_keys=False))
    dc = ["docker", "compose", "-p", name, "--project-directory", str(work)]

    def fresh():
        sh([*dc, "-f", str(compose_file), "down", "--volumes", "--remove-orphans", "--timeout", "3"], check=False)
        sh([*dv, "down", "--volumes", *opts], cwd=work, env=env, check=False)

    up_s, wait_s, first_s, first_each = [], [], [], {k: [] for k in PORTS}
    devenv_each = {k: [] for k in PORTS}
    same_up, same_first = [], []
    try:
        fresh()
        # Warm-up: page cache for the image layers, Compose's own first start.
        sh([*dv, "up", *opts], cwd=work, env=env)
        fresh()
        for i in range(a.runs):
            print(f"round {i + 1}/{a.runs}", file=sys.stderr)
            t, p = timed([*dv, "up", "--json", *opts], cwd=work, env=env)
            up_s.append(t)
            last = json.loads(p.stdout.strip().splitlines()[-1])
            for s in last["services"]:
                devenv_each[s["name"]].append(s["ready_after_s"])
            fresh()

            t, _ = timed([*dc, "-f", str(wait_file), "up", "-d", "--wait"])
            wait_s.append(t)
            fresh()

            t0 = time.perf_counter()
            starter = subprocess.Popen([*dc, "-f", str(compose_file), "up", "-d"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE)
            seen = first_answers(ports, t0)
            if starter.wait() != 0:
                sys.exit(f"compose up failed: {starter.stderr.read()}")
            first_s.append(max(seen.values()))
            for k, v in seen.items():
                first_each[k].append(v)
            fresh()

            # The same run: `devenv up` while the host poller watches the same containers, so the
            # comparison does not depend on how fast PostgreSQL's initdb happened to be this time.
            box = {}
            t0 = time.perf_counter()
            watcher = threading.Thread(target=lambda: box.update(first_answers(ports, t0)))
            watcher.start()
            p = subprocess.run([*dv, "up", *opts], cwd=work, env=env, capture_output=True, text=True)
            total = time.perf_counter() - t0
            watcher.join()
            if p.returncode != 0:
                sys.exit(f"devenv up failed: {p.stderr}")
            same_up.append(total)
            same_first.append(max(box.values()))
            fresh()

        # An environment that is up: status, compose ps, up again.
        sh([*dv, "up", *opts], cwd=work, env=env)
        status_s, ps_s, again_s = [], [], []
        for _ in range(a.status_runs):
            t, p = timed([*dv, "status"], cwd=work, env=env)
            if p.returncode != 0:
                sys.exit(f"status not ready: {p.stdout}")
            status_s.append(t)
            t, _ = timed([*dc, "-f", str(compose_file), "ps", "--format", "json"])
            ps_s.append(t)
        for _ in range(a.status_runs):
            t, p = timed([*dv, "up", *opts], cwd=work, env=env)
            if "already up" not in p.stdout:
                sys.exit(f"up on a running environment was not a no-op: {p.stdout}")
            again_s.append(t)
    finally:
        fresh()

    med = statistics.median
    ms = lambda v: f"{v * 1000:.0f} ms"
    s_ = lambda v: f"{v:.2f} s"
    commit = sh(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], check=False).stdout.strip()
    docker_v = sh(["docker", "version", "--format", "{{.Server.Version}}"], check=False).stdout.strip()
    compose_v = sh(["docker", "compose", "version", "--short"], check=False).stdout.strip()
    load = os.getloadavg()
    ratio_status = med(ps_s) / med(status_s)
    lines = [
        "# Lifecycle benchmark",
        "",
        f"`bench/lifecycle.py` at {commit}, {time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()}, Docker Engine {docker_v}, Compose {compose_v}; "
        f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (the machine is shared).",
        f"Profile: PostgreSQL 17 + Redis 8 + moto (stand-in images), fresh volumes for every start. "
        f"Medians of {a.runs} start-to-ready runs of each kind (interleaved) and {a.status_runs} runs of the fast commands; "
        "every time is the whole process, as a user sees it.",
        "",
        "## Status",
        "",
        "| command | median | min | max |",
        "| --- | --- | --- | --- |",
        f"| `devenv status` (list, inspect, one probe per service) | {ms(med(status_s))} | {ms(min(status_s))} | {ms(max(status_s))} |",
        f"| `docker compose ps --format json` | {ms(med(ps_s))} | {ms(min(ps_s))} | {ms(max(ps_s))} |",
        "",
        f"devenv status is **{ratio_status:.1f}x** faster (goal: at least 10x).",
        "",
        "## Start to ready on fresh volumes",
        "",
        "| how | median | min | max | ratio to first answer |",
        "| --- | --- | --- | --- | --- |",
        f"| `devenv up` | {s_(med(up_s))} | {s_(min(up_s))} | {s_(max(up_s))} | {med(up_s) / med(first_s):.2f} |",
        f"| `docker compose up -d --wait`, healthchecks every 5 s | {s_(med(wait_s))} | {s_(min(wait_s))} | {s_(max(wait_s))} | {med(wait_s) / med(first_s):.2f} |",
        f"| `docker compose up -d` + first answer of every service (host polls every 20 ms) | {s_(med(first_s))} | {s_(min(first_s))} | {s_(max(first_s))} | 1.00 |",
        "",
        f"`devenv up` takes {100 * (med(up_s) / med(first_s) - 1):+.1f}% against the first answer (goal: within 5%), "
        f"and {med(wait_s) / med(up_s):.2f}x less time than `compose up --wait` with a 5 s interval.",
        "",
        "In the same run (the poller watching the containers `devenv up` starts; ratio of devenv's whole "
        "process to the moment the last service first answered, per run): "
        + ", ".join(f"{u:.2f} s / {f:.2f} s" for u, f in zip(same_up, same_first))
        + f"; median ratio **{med([u / f for u, f in zip(same_up, same_first)]):.3f}** "
        f"({100 * (med([u / f for u, f in zip(same_up, same_first)]) - 1):+.1f}%).",
        "",
        "Per service, median seconds (devenv: ready after the start of its wait, from `up --json`; "
        "first answer: since `docker compose up -d` was started):",
        "",
        "| service | devenv ready_after_s | first answer |",
        "| --- | --- | --- |",
    ]
    for k in PORTS:
        lines.append(f"| {k} | {med(devenv_each[k]):.2f} | {med(first_each[k]):.2f} |")
    lines += [
        "",
        "## `devenv up` when already up",
        "",
        "| command | median | min | max |",
        "| --- | --- | --- | --- |",
        f"| `devenv up` (unchanged, all ready) | {ms(med(again_s))} | {ms(min(again_s))} | {ms(max(again_s))} |",
        "",
        f"Goal: under 150 ms: {'met' if med(again_s) < 0.150 else 'NOT met'}.",
        "",
        "Raw seconds: " + json.dumps({
            "status": [round(v, 4) for v in status_s], "compose_ps": [round(v, 4) for v in ps_s],
            "devenv_up": [round(v, 3) for v in up_s], "compose_up_wait_5s": [round(v, 3) for v in wait_s],
            "first_answer": [round(v, 3) for v in first_s], "up_already_up": [round(v, 4) for v in again_s]}),
        "",
    ]
    text = "\n".join(lines)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()

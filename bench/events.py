#!/usr/bin/python3
"""The events benchmark: PostgreSQL + Kafka + Kafka Connect (Debezium) on the stand-in images.

  1. Start to ready on fresh volumes, per run and interleaved:
     `devenv up --no-seed` while one Python process polls every service from the host every 50 ms
     (PostgreSQL startup packet, Kafka ApiVersions request, GET /health on Connect: 200 once the worker can serve requests): the same
     containers, so devenv's finish is compared with the moment the last service first answered;
     then `docker compose up -d --wait` on devenv's own rendered file (the templates' healthchecks,
     kafka-broker-api-versions.sh and curl, every 2 s).
  2. Seeding 20 topics (2 partitions, one config each) on a running broker: `devenv seed` against
     `kafka-topics.sh --create` once per topic (docker exec into the broker, as a hand-written
     init script does).

Writes bench/results/events.md (and prints it).
Usage: bench/events.py [--runs N] [--seed-runs N] [--devenv PATH] [--out FILE]
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
PORTS = {"postgres": 5432, "kafka": 9092, "connect": 8083}
IMAGES = {"postgres": "devenv-standin/postgres:17", "kafka": "devenv-standin/kafka:4",
          "connect": "devenv-standin/debezium-connect:3.6"}


def profile():
    """The events profile's postgres, kafka and connect services (no seed), on the stand-ins."""
    src = yaml.safe_load((ROOT / "profiles" / "events.yaml").read_text())
    out = {"name": "bench-events", "variables": src.get("variables", {}), "services": {}}
    for name in PORTS:
        svc = dict(src["services"][name])
        svc["with"] = {**svc.get("with", {}), "image": IMAGES[name]}
        if isinstance(svc.get("depends_on"), dict):
            svc["depends_on"] = {k: v for k, v in svc["depends_on"].items() if k in PORTS}
        out["services"][name] = svc
    return out


def topics_profile(prefix, n=20):
    return {"name": "bench-topics", "services": {"kafka": {"template": "kafka", "with": {"image": IMAGES["kafka"]}}},
            "seed": {"kafka": {"kafka": {"topics": [
                {"name": f"{prefix}{i:02d}", "partitions": 2, "configs": {"retention.ms": "3600000"}}
                for i in range(n)]}}}}


def sh(argv, cwd=None, check=True, env=None, timeout=900):
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout)
    if check and p.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, argv))}\n{p.stdout}\n{p.stderr}")
    return p


def timed(argv, **kw):
    t0 = time.perf_counter()
    p = sh(argv, **kw)
    return time.perf_counter() - t0, p


# --- First answer, from the host, one process ----------------------------------------------

def pg_answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            params = b"user\0postgres\0database\0postgres\0\0"
            s.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
            s.settimeout(0.5)
            return s.recv(1)[:1] == b"R"
    except OSError:
        return False


def kafka_answers(port):
    """An ApiVersions v0 request answered with error code 0 (the broker serves requests)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            client = b"bench"
            body = struct.pack("!hhih", 18, 0, 1, len(client)) + client
            s.sendall(struct.pack("!i", len(body)) + body)
            s.settimeout(1)
            head = s.recv(10)
            return len(head) >= 10 and struct.unpack("!h", head[8:10])[0] == 0
    except OSError:
        return False


def connect_answers(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
            return r.status == 200
    except Exception:
        return False


def first_answers(ports, t0, limit=400):
    checks = {"postgres": pg_answers, "kafka": kafka_answers, "connect": connect_answers}
    seen = {}
    while len(seen) < len(checks):
        if time.perf_counter() - t0 > limit:
            return seen
        for name, check in checks.items():
            if name not in seen and check(ports[name]):
                seen[name] = time.perf_counter() - t0
        time.sleep(0.05)
    return seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed-runs", type=int, default=3)
    ap.add_argument("--devenv", default=os.environ.get("DEVENV_BIN", str(ROOT / "build" / "devenv")))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "events.md"))
    a = ap.parse_args()
    for img in IMAGES.values():
        if sh(["docker", "image", "inspect", img], check=False).returncode != 0:
            sys.exit(f"missing image {img}: run scripts/build-standin-images.sh")

    work = Path(tempfile.mkdtemp(prefix="devenv-bench-events-"))
    (work / "devenv.yaml").write_text(yaml.safe_dump(profile(), sort_keys=False))
    name = f"bench-events-{uuid.uuid4().hex[:8]}"
    offset = pick_offset(PORTS.values())
    ports = {k: v + offset for k, v in PORTS.items()}
    env = {**os.environ, "NO_COLOR": "1", "CI": "1"}
    dv = [a.devenv]
    opts = ["--project-name", name, "--port-offset", str(offset)]
    compose_file = work / "bench-compose.yaml"
    compose_file.write_text(sh([*dv, "render", *opts], cwd=work, env=env).stdout)
    dc = ["docker", "compose", "-p", name, "--project-directory", str(work), "-f", str(compose_file)]

    def fresh():
        sh([*dc, "down", "--volumes", "--remove-orphans", "--timeout", "5"], check=False)
        sh([*dv, "down", "--volumes", *opts], cwd=work, env=env, check=False)

    same_up, same_first, first_each, devenv_each, wait_s = [], [], {k: [] for k in PORTS}, {k: [] for k in PORTS}, []
    seed_s, topics_s = [], []
    try:
        fresh()
        for i in range(a.runs):
            print(f"round {i + 1}/{a.runs}", file=sys.stderr)
            box = {}
            t0 = time.perf_counter()
            watcher = threading.Thread(target=lambda: box.update(first_answers(ports, t0)))
            watcher.start()
            p = sh([*dv, "up", "--no-seed", "--json", *opts], cwd=work, env=env)
            total = time.perf_counter() - t0
            watcher.join()
            if len(box) < len(PORTS):
                sys.exit(f"the poller saw only {box}")
            same_up.append(total)
            same_first.append(max(box.values()))
            for k, v in box.items():
                first_each[k].append(v)
            last = json.loads(p.stdout.strip().splitlines()[-1])
            for s in last.get("services", []):
                devenv_each[s["name"]].append(s["ready_after_s"])
            fresh()

            t, _ = timed([*dc, "up", "-d", "--wait"])
            wait_s.append(t)
            fresh()

        # Seeding 20 topics on a running broker.
        tw = work / "topics"
        tw.mkdir()
        tname = f"{name}-topics"
        toff = pick_offset([9092], taken=[offset])
        topts = ["--project-name", tname, "--port-offset", str(toff)]
        (tw / "devenv.yaml").write_text(yaml.safe_dump(topics_profile("warm"), sort_keys=False))
        sh([*dv, "up", *topts], cwd=tw, env=env)
        broker = next(c for c in sh(["docker", "ps", "--format", "{{.Names}}", "--filter",
                                     f"label=com.docker.compose.project={tname}"]).stdout.split())
        for i in range(a.seed_runs):
            (tw / "devenv.yaml").write_text(yaml.safe_dump(topics_profile(f"d{i}-"), sort_keys=False))
            t, p = timed([*dv, "seed", "--json"], cwd=tw, env=env)
            created = sum(s["created"] for s in json.loads(p.stdout)["services"])
            if created != 20:
                sys.exit(f"devenv seed created {created} topics, not 20: {p.stdout}")
            seed_s.append(t)
            t0 = time.perf_counter()
            for n in range(20):
                sh(["docker", "exec", broker, "/opt/kafka/bin/kafka-topics.sh", "--bootstrap-server", "localhost:29092",
                    "--create", "--topic", f"k{i}-{n:02d}", "--partitions", "2", "--config", "retention.ms=3600000"])
            topics_s.append(time.perf_counter() - t0)
        sh([*dv, "down", "--volumes", *topts], cwd=tw, env=env, check=False)
    finally:
        fresh()

    med = statistics.median
    s_ = lambda v: f"{v:.1f} s"
    commit = sh(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], check=False).stdout.strip()
    load = os.getloadavg()
    ratios = [u / f for u, f in zip(same_up, same_first)]
    lines = [
        "# Events benchmark (PostgreSQL + Kafka + Kafka Connect with Debezium)",
        "",
        f"`bench/events.py` at {commit}, {time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()}; load average at the end {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f} (the machine is shared with other builds). Stand-in images "
        "(scripts/standin/jvm: Kafka 4.1.0, Connect 4.3.0 + Debezium 3.6.1; scripts/standin/data: PostgreSQL 17), "
        f"fresh volumes for every start; medians of {a.runs} runs of each kind (each start takes over a minute "
        "here, so few runs), interleaved.",
        "",
        "## Start to ready",
        "",
        "| how | median | min | max |",
        "| --- | --- | --- | --- |",
        f"| `devenv up --no-seed` | {s_(med(same_up))} | {s_(min(same_up))} | {s_(max(same_up))} |",
        f"| first answer of the last service, polled from the host every 50 ms during that same `devenv up` | "
        f"{s_(med(same_first))} | {s_(min(same_first))} | {s_(max(same_first))} |",
        f"| `docker compose up -d --wait`, the templates' healthchecks (every 2 s) | {s_(med(wait_s))} | "
        f"{s_(min(wait_s))} | {s_(max(wait_s))} |",
        "",
        f"devenv finishes {100 * (med(ratios) - 1):+.1f}% after the last first answer (median of the per-run ratios), "
        f"`compose up --wait` took {med(wait_s) / med(same_up):.2f}x devenv's time "
        f"(devenv {'faster' if med(same_up) < med(wait_s) else 'slower'}).",
        "",
        "Per service, median seconds since the start: first answer (host poller) / devenv's probe ready "
        "(from `up --json`, since its wait began):",
        "",
        "| service | first answer | devenv ready after |",
        "| --- | --- | --- |",
        *[f"| {k} | {med(first_each[k]):.1f} | {med(devenv_each[k]):.1f} |" for k in PORTS if devenv_each[k]],
        "",
        "## Seeding 20 topics",
        "",
        "| how | median | min | max |",
        "| --- | --- | --- | --- |",
        f"| `devenv seed` (one CreateTopics request, configs compared after) | {s_(med(seed_s))} | {s_(min(seed_s))} | {s_(max(seed_s))} |",
        f"| `kafka-topics.sh --create` per topic (docker exec) | {s_(med(topics_s))} | {s_(min(topics_s))} | {s_(max(topics_s))} |",
        "",
        f"devenv seed is **{med(topics_s) / med(seed_s):.0f}x** faster.",
        "",
        "Raw seconds: " + json.dumps({"devenv_up": [round(x, 2) for x in same_up],
                                       "first_answer": [round(x, 2) for x in same_first],
                                       "compose_up_wait": [round(x, 2) for x in wait_s],
                                       "devenv_seed_20": [round(x, 3) for x in seed_s],
                                       "kafka_topics_20": [round(x, 2) for x in topics_s]}),
        "",
    ]
    text = "\n".join(lines)
    Path(a.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()

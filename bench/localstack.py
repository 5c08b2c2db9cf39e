#!/usr/bin/python3
"""`devenv up aws` on LocalStack (the stand-in devenv-standin/localstack:4.14): one run, medians.

  1. Start to ready of the built-in `aws` profile (LocalStack + PostgreSQL; DynamoDB left out,
     see tests/e2e/test_localstack.py), fresh volumes every time, interleaved:
     `devenv up aws --no-seed` / `docker compose up -d --wait` on devenv's own rendered file (the
     template's healthcheck: curl /_localstack/health every 2 s) / `docker compose up -d` and the
     first moment every listed service answers (a signed read to each of sqs, ssm, s3, events,
     secretsmanager, and PostgreSQL's startup packet), polled from the host every 20 ms by one
     Python process; and `devenv up` again while the poller watches the same containers.
  2. The aws profile's seed minus DynamoDB (4 queues, an event bus with a rule and its target, 5
     parameters, 2 buckets with objects and versioning, 2 secrets) into LocalStack: `devenv seed`
     (whole process) against the same resources created with the AWS CLI, one `aws` process per
     call, as teams do today; LocalStack is emptied by `devenv reset`'s own deletion first
     (outside the timing) so both start from the same empty service.

Writes bench/results/localstack.md (and prints it). See bench/README.md.
Usage: bench/localstack.py [--runs N] [--seed-runs N] [--devenv PATH] [--aws PATH] [--out FILE]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import yaml

from common import pick_offset             # bench/common.py
from lifecycle import pg_answers            # bench/lifecycle.py
from seed import must, run                  # bench/seed.py

ROOT = Path(__file__).resolve().parents[1]
IMAGE = "devenv-standin/localstack:4.14"
SERVICES = ["sqs", "ssm", "s3", "events", "secretsmanager"]
ARGS = ["--set", f"services.aws.image={IMAGE}", "--set", "services.postgres.image=devenv-standin/postgres:17",
        "--set", f"services.aws.with.services=[{', '.join(SERVICES)}]", "--set", "seed.aws.dynamodb=null"]
PORTS = {"aws": 4566, "postgres": 5432}
REGION, ACCOUNT = "us-east-1", "000000000000"   # LocalStack's default account


def auth(service):
    # LocalStack does not check signatures; the credential scope routes the request.
    return (f"AWS4-HMAC-SHA256 Credential=test/20260101/{REGION}/{service}/aws4_request, "
            "SignedHeaders=host, Signature=0")


def json_call(port, service, target, version="1.0"):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/", data=b"{}", method="POST", headers={
        "Content-Type": f"application/x-amz-json-{version}", "X-Amz-Target": target, "Authorization": auth(service)})
    with urllib.request.urlopen(req, timeout=1) as r:
        return r.status == 200


def s3_call(port):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Authorization": auth("s3")})
    with urllib.request.urlopen(req, timeout=1) as r:
        return r.status == 200


READS = {
    "sqs": lambda p: json_call(p, "sqs", "AmazonSQS.ListQueues"),
    "ssm": lambda p: json_call(p, "ssm", "AmazonSSM.DescribeParameters", "1.1"),
    "s3": s3_call,
    "events": lambda p: json_call(p, "events", "AWSEvents.ListEventBuses", "1.1"),
    "secretsmanager": lambda p: json_call(p, "secretsmanager", "secretsmanager.ListSecrets", "1.1"),
}


def answers(check, port):
    try:
        return check(port)
    except Exception:
        return False


def first_answers(ports, t0, limit=240):
    """{check: seconds since t0} once every AWS service and PostgreSQL answered."""
    checks = {f"aws:{s}": (READS[s], ports["aws"]) for s in SERVICES}
    checks["postgres"] = (pg_answers, ports["postgres"])
    seen = {}
    while len(seen) < len(checks):
        if time.perf_counter() - t0 > limit:
            sys.exit(f"not answering after {limit} s: {set(checks) - set(seen)}")
        for name, (check, port) in checks.items():
            if name not in seen and answers(check, port):
                seen[name] = time.perf_counter() - t0
        time.sleep(0.02)
    return seen


def cli_calls(work):
    """The aws profile's seed (profiles/aws.yaml) minus DynamoDB as AWS CLI argv, in an order
    that works (a dead-letter queue before the queue naming it, the queue before the rule's
    target). Files for S3 objects are written into `work`."""
    doc = yaml.safe_load((ROOT / "profiles" / "aws.yaml").read_text())["seed"]["aws"]
    arn = lambda q: f"arn:aws:sqs:{REGION}:{ACCOUNT}:{q}"
    calls = []
    for q in doc["sqs"]["queues"]:
        attrs = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in (q.get("attributes") or {}).items()}
        if q.get("fifo"):
            attrs["FifoQueue"] = "true"
        if q.get("dead_letter"):
            attrs["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": arn(q["dead_letter"]["queue"]),
                                                 "maxReceiveCount": q["dead_letter"]["max_receive_count"]})
        calls.append(["sqs", "create-queue", "--queue-name", q["name"], *(["--attributes", json.dumps(attrs)] if attrs else [])])
    for bus in doc["eventbridge"]["buses"]:
        calls.append(["events", "create-event-bus", "--name", bus["name"]])
        for rule in bus["rules"]:
            calls.append(["events", "put-rule", "--event-bus-name", bus["name"], "--name", rule["name"],
                          "--event-pattern", json.dumps(rule["pattern"])])
            targets = [{"Id": f"t{i}", "Arn": arn(t["queue"])} for i, t in enumerate(rule["targets"])]
            calls.append(["events", "put-targets", "--event-bus-name", bus["name"], "--rule", rule["name"],
                          "--targets", json.dumps(targets)])
    for name, v in doc["ssm"]["parameters"].items():
        if isinstance(v, dict):
            value = ",".join(v["value"]) if isinstance(v["value"], list) else v["value"]
            extra = ["--description", v["description"]] if v.get("description") else []
            calls.append(["ssm", "put-parameter", "--name", name, "--value", value, "--type", v["type"], *extra])
        else:
            calls.append(["ssm", "put-parameter", "--name", name, "--value", str(v), "--type", "String"])
    for b in doc["s3"]["buckets"]:
        calls.append(["s3api", "create-bucket", "--bucket", b["name"]])
        if b.get("versioning"):
            calls.append(["s3api", "put-bucket-versioning", "--bucket", b["name"],
                          "--versioning-configuration", "Status=Enabled"])
        objects = dict(b.get("objects") or {})
        if b.get("objects_from"):
            base = ROOT / "profiles" / b["objects_from"]
            for f in sorted(base.rglob("*")):
                if f.is_file():
                    objects[str(f.relative_to(base))] = f.read_text()
        for key, body in objects.items():
            path = work / "objects" / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body)
            calls.append(["s3api", "put-object", "--bucket", b["name"], "--key", key, "--body", str(path)])
    for s in doc["secretsmanager"]["secrets"]:
        value = json.dumps(s["value"]) if isinstance(s["value"], dict) else s["value"]
        calls.append(["secretsmanager", "create-secret", "--name", s["name"], "--secret-string", value,
                      *(["--description", s["description"]] if s.get("description") else [])])
    return calls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5, help="start-to-ready runs of each kind")
    ap.add_argument("--seed-runs", type=int, default=5, help="seed runs of each kind")
    ap.add_argument("--devenv", default=os.environ.get("DEVENV_BIN", str(ROOT / "build" / "devenv")))
    ap.add_argument("--aws", default="/usr/bin/aws")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "localstack.md"))
    a = ap.parse_args()

    if subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
        sys.exit("no Docker engine answers: run scripts/start-engine.sh")
    for img in (IMAGE, "devenv-standin/postgres:17"):
        if subprocess.run(["docker", "image", "inspect", img], capture_output=True).returncode != 0:
            sys.exit(f"missing image {img}: run scripts/build-standin-images.sh")

    work = Path(tempfile.mkdtemp(prefix="devenv-bench-ls-"))
    name = f"bench-ls-{uuid.uuid4().hex[:8]}"
    offset = pick_offset(PORTS.values())
    ports = {k: v + offset for k, v in PORTS.items()}
    env = {**os.environ, "NO_COLOR": "1", "CI": "1", "AWS_EMULATOR": "localstack"}
    opts = ["aws", *ARGS, "--project-name", name, "--port-offset", str(offset)]
    dv = lambda *args, timeout=600: run([a.devenv, *args], cwd=work, env=env, timeout=timeout)
    compose_file = work / "compose.yaml"
    compose_file.write_text(must(dv("render", *opts)).out)
    dc = ["docker", "compose", "-p", name, "--project-directory", str(work), "-f", str(compose_file)]

    def fresh():
        run([*dc, "down", "--volumes", "--remove-orphans", "--timeout", "3"], cwd=work)
        dv("down", "--volumes")

    up_s, wait_s, first_s, same_up, same_first = [], [], [], [], []
    devenv_each = {"aws": [], "postgres": []}
    first_each = {}
    seed_dv, seed_cli, calls_n, created_n = [], [], 0, 0
    try:
        fresh()
        must(dv("up", *opts, "--no-seed"))     # warm-up: page cache, Compose's first start
        fresh()
        for i in range(a.runs):
            print(f"round {i + 1}/{a.runs}", file=sys.stderr)
            r = must(dv("up", *opts, "--no-seed", "--json"))
            up_s.append(r.secs)
            for s in json.loads(r.out.strip().splitlines()[-1])["services"]:
                devenv_each[s["name"]].append(s["ready_after_s"])
            fresh()

            wait_s.append(must(run([*dc, "up", "-d", "--wait"], cwd=work, timeout=600)).secs)
            fresh()

            t0 = time.perf_counter()
            starter = subprocess.Popen([*dc, "up", "-d"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            seen = first_answers(ports, t0)
            if starter.wait() != 0:
                sys.exit(f"compose up failed: {starter.stderr.read()}")
            first_s.append(max(seen.values()))
            for k, v in seen.items():
                first_each.setdefault(k, []).append(v)
            fresh()

            box = {}
            t0 = time.perf_counter()
            watcher = threading.Thread(target=lambda: box.update(first_answers(ports, t0)))
            watcher.start()
            r = run([a.devenv, "up", *opts, "--no-seed"], cwd=work, env=env)
            total = time.perf_counter() - t0
            watcher.join()
            must(r)
            same_up.append(total)
            same_first.append(max(box.values()))
            fresh()

        # The seed: one environment, emptied before every run by devenv's LocalStack deletion
        # (reset minus the reseed: `reset` then a timed `seed` would find everything there).
        must(dv("up", *opts, "--no-seed"))
        calls = cli_calls(work)
        calls_n = len(calls)
        cli_env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                   "AWS_DEFAULT_REGION": REGION, "AWS_PAGER": "", "AWS_CONFIG_FILE": "/dev/null",
                   "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
        url = f"http://127.0.0.1:{ports['aws']}"

        def empty():
            # LocalStack community keeps its state in memory (PERSISTENCE off): a restart of the
            # container empties it; `up` then waits until it answers again.
            must(run([*dc, "restart", "aws"], cwd=work))
            must(dv("up", *opts, "--no-seed"))

        for i in range(a.seed_runs):
            print(f"seed round {i + 1}/{a.seed_runs}", file=sys.stderr)
            empty()
            r = must(dv("seed", "aws", "--json"))
            seed_dv.append(r.secs)
            doc = json.loads(r.out)
            created_n = sum(1 for x in doc["resources"] if x["service"] == "aws" and x["outcome"] == "created")
            empty()
            t0 = time.perf_counter()
            for c in calls:
                must(run([a.aws, "--endpoint-url", url, *c], cwd=work, env=cli_env), "aws " + " ".join(c[:2]))
            seed_cli.append(time.perf_counter() - t0)
    finally:
        fresh()

    med = statistics.median
    s_ = lambda v: f"{v:.2f} s"
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    load = os.getloadavg()
    ratios = [u / f for u, f in zip(same_up, same_first)]
    lines = [
        "# `devenv up aws` on LocalStack",
        "",
        f"`bench/localstack.py` at {commit}, {time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()}; load average at the end {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f} (the machine is shared). Image {IMAGE} (localstack-core 4.14.0), PostgreSQL 17 "
        f"stand-in; the built-in `aws` profile with SERVICES={','.join(SERVICES)} (no DynamoDB) and its seed "
        "without the DynamoDB tables. Fresh volumes for every start; every time is a whole process.",
        "",
        "## Start to ready",
        "",
        f"Medians of {a.runs} runs of each kind, interleaved.",
        "",
        "| how | median | min | max | ratio to first answer |",
        "| --- | --- | --- | --- | --- |",
        f"| `devenv up aws --no-seed` (every service answers a signed read, ready.d hooks done) | {s_(med(up_s))} | {s_(min(up_s))} | {s_(max(up_s))} | {med(up_s) / med(first_s):.2f} |",
        f"| `docker compose up -d --wait` (the template's healthcheck: curl `/_localstack/health` every 2 s) | {s_(med(wait_s))} | {s_(min(wait_s))} | {s_(max(wait_s))} | {med(wait_s) / med(first_s):.2f} |",
        f"| `docker compose up -d` + first answer of every listed service (host polls every 20 ms) | {s_(med(first_s))} | {s_(min(first_s))} | {s_(max(first_s))} | 1.00 |",
        "",
        "Same run (`devenv up` while the host poller watches the same containers; devenv's whole process / "
        "the moment the last service first answered): "
        + ", ".join(f"{u:.2f} s / {f:.2f} s" for u, f in zip(same_up, same_first))
        + f"; median ratio **{med(ratios):.3f}** ({100 * (med(ratios) - 1):+.1f}%).",
        "",
        "Per service, median seconds (devenv: ready after the start of its wait, from `up --json`; first "
        "answer: since `docker compose up -d` was started):",
        "",
        "| service | devenv ready_after_s | first answer |",
        "| --- | --- | --- |",
        f"| aws | {med(devenv_each['aws']):.2f} | {max(med(first_each[k]) for k in first_each if k.startswith('aws:')):.2f} (slowest of: "
        + ", ".join(f"{k[4:]} {med(v):.2f}" for k, v in first_each.items() if k.startswith("aws:")) + ") |",
        f"| postgres | {med(devenv_each['postgres']):.2f} | {med(first_each['postgres']):.2f} |",
        "",
        "## Seed",
        "",
        f"The aws profile's seed minus DynamoDB: {created_n} resources created by devenv; the same with the AWS "
        f"CLI is {calls_n} calls (one `aws` process each). Medians of {a.seed_runs} runs, each into an emptied "
        "LocalStack (container restarted, not timed).",
        "",
        "| how | median | min | max |",
        "| --- | --- | --- | --- |",
        f"| `devenv seed aws` | {s_(med(seed_dv))} | {s_(min(seed_dv))} | {s_(max(seed_dv))} |",
        f"| AWS CLI, {calls_n} processes | {s_(med(seed_cli))} | {s_(min(seed_cli))} | {s_(max(seed_cli))} |",
        "",
        f"devenv seed is **{med(seed_cli) / med(seed_dv):.0f}x** faster.",
        "",
        "Raw seconds: " + json.dumps({
            "devenv_up": [round(v, 3) for v in up_s], "compose_up_wait": [round(v, 3) for v in wait_s],
            "first_answer": [round(v, 3) for v in first_s], "same_run_devenv": [round(v, 3) for v in same_up],
            "same_run_first": [round(v, 3) for v in same_first], "devenv_seed": [round(v, 3) for v in seed_dv],
            "cli_seed": [round(v, 3) for v in seed_cli]}),
        "",
    ]
    text = "\n".join(lines)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()

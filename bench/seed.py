#!/usr/bin/python3
"""devenv's seed and reset benchmark: one run, one machine, medians of several runs.

  1. The issue's 69-resource set (12 DynamoDB tables with a GSI each, 5 SQS queues, 50 SSM
     parameters, 2 S3 buckets) into a moto emptied by POST /moto-api/reset before every run:
     (a) the AWS CLI, one `aws --endpoint-url ...` process per call, as teams do today;
     (b) `devenv seed` (whole process); (c) `devenv seed` again on the seeded state (all
     unchanged); (d) `devenv reset` (soft) after the data was changed.
  2. Reset of PostgreSQL + Redis + moto, each with a small seed, after the data was changed:
     `devenv reset` (soft) / `devenv reset --hard` / `docker compose down -v`, `docker compose
     up -d --wait` and the seed by hand (AWS CLI one process per call, psql, redis-cli).

Writes bench/results/seed.md (and prints it). See bench/README.md. Standard library only.
Usage: bench/seed.py [--runs N] [--devenv PATH] [--aws PATH] [--out FILE]
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from common import pick_offset  # bench/common.py

ROOT = Path(__file__).resolve().parents[1]
IMAGES = {"aws": "devenv-standin/moto:5", "postgres": "devenv-standin/postgres:17", "redis": "devenv-standin/redis:8"}
PORTS = {"aws": 4566, "postgres": 5432, "redis": 6379}
ACCOUNT, REGION = "123456789012", "us-east-1"   # moto's default account; the template's region


# --- Processes ---------------------------------------------------------------------------------

class Run:
    def __init__(self, argv, code, out, err, secs, maxrss_kb):
        self.argv, self.code, self.out, self.err, self.secs, self.maxrss_kb = argv, code, out, err, secs, maxrss_kb

    def tail(self, n=15):
        lines = (self.out + self.err).strip().splitlines()
        return "\n".join(lines[-n:])


GNU_TIME = "/usr/bin/time"  # Debian's `time`: it forks the measured process from its own small image


def run(argv, cwd=None, env=None, input=None, timeout=600, rss=False):
    """A whole process, timed by the wall clock. With rss, also its own peak resident memory.

    wait4's ru_maxrss of a child of this Python process is not the child's alone: Linux records
    the high-water mark of the address space the child leaves at exec, which is a copy of this
    (growing) interpreter. So the figures grew with the benchmark, not with the seed. GNU time
    forks the process from its own image of about 2 MB and reports that grandchild's ru_maxrss;
    it adds about a millisecond of its own to the wall clock.
    """
    argv = [str(a) for a in argv]
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe, \
            tempfile.NamedTemporaryFile(prefix="rss-") as fr:
        if rss:
            if not os.access(GNU_TIME, os.X_OK):
                raise RuntimeError(f"{GNU_TIME} is missing: install Debian's `time` package to measure peak memory")
            argv = [GNU_TIME, "-f", "%M", "-o", fr.name, "--", *argv]
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, cwd=cwd, env=env, stdout=fo, stderr=fe,
                             stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL)
        if input is not None:
            p.stdin.write(input.encode())
            p.stdin.close()
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.002)
        secs = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        maxrss = None
        if rss:
            # A process that exits non-zero makes GNU time write "Command exited with non-zero status N" first.
            lines = [l for l in Path(fr.name).read_text().splitlines() if l.strip().isdigit()]
            maxrss = int(lines[-1]) if lines else None
        return Run(argv, p.returncode, fo.read().decode(errors="replace"), fe.read().decode(errors="replace"),
                   secs, maxrss)


def must(r, what=None):
    if r.code != 0:
        raise RuntimeError(f"{what or ' '.join(map(str, r.argv))} failed (exit {r.code}):\n{r.tail(30)}")
    return r


# --- AWS from Python, for checks and for the application's changes (never timed) ---------------

def aws_call(port, service, target, body, version="1.0"):
    """One JSON-protocol call to moto (it does not check signatures; the credential scope names
    the service and region)."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": f"application/x-amz-json-{version}", "X-Amz-Target": target,
                 "Authorization": f"AWS4-HMAC-SHA256 Credential=test/20260101/{REGION}/{service}/aws4_request, "
                                  "SignedHeaders=host, Signature=0"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"{}")


def moto_reset(port):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/reset", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200, r.status


def aws_inventory(port):
    """{tables, queues, params, buckets}: names of what moto holds."""
    tables = aws_call(port, "dynamodb", "DynamoDB_20120810.ListTables", {}).get("TableNames", [])
    queues = [u.rsplit("/", 1)[-1] for u in aws_call(port, "sqs", "AmazonSQS.ListQueues", {}).get("QueueUrls") or []]
    params, token = [], None
    while True:
        body = {"MaxResults": 50, **({"NextToken": token} if token else {})}
        r = aws_call(port, "ssm", "AmazonSSM.DescribeParameters", body, "1.1")
        params += [p["Name"] for p in r.get("Parameters", [])]
        token = r.get("NextToken")
        if not token:
            break
    req = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={
        "Authorization": f"AWS4-HMAC-SHA256 Credential=test/20260101/{REGION}/s3/aws4_request, SignedHeaders=host, Signature=0"})
    with urllib.request.urlopen(req, timeout=30) as r:
        xml = r.read().decode()
    buckets = [part.split("</Name>", 1)[0] for part in xml.split("<Name>")[1:]]
    return {"tables": sorted(tables), "queues": sorted(queues), "params": sorted(params), "buckets": sorted(buckets)}


def item_count(port, table):
    return aws_call(port, "dynamodb", "DynamoDB_20120810.Scan", {"TableName": table, "Select": "COUNT"})["Count"]


def mutate_aws(port, table, item):
    """What an application does between two test runs: an item, a queue and a parameter more."""
    aws_call(port, "dynamodb", "DynamoDB_20120810.PutItem", {"TableName": table, "Item": item})
    aws_call(port, "sqs", "AmazonSQS.CreateQueue", {"QueueName": "app-made-queue"})
    aws_call(port, "ssm", "AmazonSSM.PutParameter",
             {"Name": "/app/made/param", "Value": "x", "Type": "String", "Overwrite": True}, "1.1")


# --- The data sets -----------------------------------------------------------------------------
# Profiles are written as JSON, which is YAML (the benchmark needs no YAML library).

def set69():
    """The issue's set: 12 tables with a GSI each, 5 queues (a DLQ, two queues wired to it, a
    plain one, a FIFO one), 50 parameters, 2 buckets: 69 create calls."""
    tables = [{"name": f"bench-t{i}", "attributes": {"pk": "S", "sk": "S", "g": "S"}, "hash_key": "pk",
               "range_key": "sk", "billing_mode": "PAY_PER_REQUEST",
               "gsis": [{"name": "by-g", "hash_key": "g", "projection": "KEYS_ONLY"}]} for i in range(12)]
    queues = [{"name": "bench-dlq"},
              {"name": "bench-q1", "dead_letter": {"queue": "bench-dlq", "max_receive_count": 5}},
              {"name": "bench-q2", "dead_letter": {"queue": "bench-dlq", "max_receive_count": 5}},
              {"name": "bench-q3"},
              {"name": "bench-q4.fifo", "fifo": True}]
    params = {f"/bench/app/p{i:02d}": f"value-{i}" for i in range(50)}
    buckets = [{"name": "bench-b1"}, {"name": "bench-b2"}]
    return {"dynamodb": {"tables": tables}, "sqs": {"queues": queues}, "ssm": {"parameters": params},
            "s3": {"buckets": buckets}}


def small_aws():
    """Part 2's AWS seed: 3 tables (one with a GSI) with a few items, 3 queues, 5 parameters, a
    bucket with one object."""
    tables = [
        {"name": "customers", "attributes": {"id": "S"}, "hash_key": "id", "billing_mode": "PAY_PER_REQUEST",
         "items": [{"id": f"c{i}", "name": f"Customer {i}", "tier": "gold" if i % 2 else "silver"} for i in range(5)]},
        {"name": "orders", "attributes": {"pk": "S", "sk": "S", "status": "S"}, "hash_key": "pk", "range_key": "sk",
         "billing_mode": "PAY_PER_REQUEST",
         "gsis": [{"name": "by-status", "hash_key": "status", "projection": "ALL"}],
         "items": [{"pk": f"c{i % 3}", "sk": f"o{i}", "status": "PLACED", "total": 10 + i} for i in range(6)]},
        {"name": "sessions", "attributes": {"id": "S"}, "hash_key": "id", "billing_mode": "PAY_PER_REQUEST"},
    ]
    queues = [{"name": "events-dlq"},
              {"name": "events", "dead_letter": {"queue": "events-dlq", "max_receive_count": 5}},
              {"name": "jobs"}]
    params = {f"/shop/api/{k}": v for k, v in
              {"db_host": "postgres", "db_name": "shop", "cache_url": "redis://redis:6379/0",
               "feature_x": "on", "page_size": "20"}.items()}
    buckets = [{"name": "shop-uploads", "objects": {"hello.txt": "hello"}}]
    return {"dynamodb": {"tables": tables}, "sqs": {"queues": queues}, "ssm": {"parameters": params},
            "s3": {"buckets": buckets}}


SQL = ("CREATE TABLE IF NOT EXISTS products (id int PRIMARY KEY, name text NOT NULL, price numeric NOT NULL);\n"
       "INSERT INTO products SELECT g, 'product ' || g, g * 1.5 FROM generate_series(1, 100) g ON CONFLICT DO NOTHING;\n")
REDIS_KEYS = [
    {"key": "greeting", "value": "hello"},
    {"key": "config:flags", "type": "hash", "value": {"beta": "on", "dark": "off"}},
    {"key": "queue:jobs", "type": "list", "value": ["a", "b", "c"]},
    {"key": "admins", "type": "set", "value": ["alice", "bob"]},
    {"key": "scores", "type": "zset", "value": {"alice": 10, "bob": 7}},
]
REDIS_CMDS = ["SET greeting hello", "HSET config:flags beta on dark off", "RPUSH queue:jobs a b c",
              "SADD admins alice bob", "ZADD scores 10 alice 7 bob"]


def profile69():
    return {"name": "bench-seed",
            "description": "moto with the issue's 69-resource set (devenv's seed benchmark)",
            "services": {"aws": {"template": "moto",
                                 "with": {"image": IMAGES["aws"], "services": ["dynamodb", "sqs", "ssm", "s3"]}}},
            "seed": {"aws": set69()}}


def profile_reset():
    return {"name": "bench-reset",
            "description": "PostgreSQL + Redis + moto with a small seed each (devenv's reset benchmark)",
            "services": {
                "aws": {"template": "moto", "with": {"image": IMAGES["aws"], "services": ["dynamodb", "sqs", "ssm", "s3"]}},
                "postgres": {"template": "postgres", "with": {"image": IMAGES["postgres"]}},
                "redis": {"template": "redis", "with": {"image": IMAGES["redis"]}}},
            "seed": {"aws": small_aws(),
                     "postgres": {"postgres": {"databases": [{"name": "shop", "sql": [{"text": SQL}]}]}},
                     "redis": {"redis": {"db": 0, "keys": REDIS_KEYS}}}}


# --- What teams do today: one AWS CLI process per call -----------------------------------------

def dyn_type(v):
    if isinstance(v, bool):
        return {"BOOL": v}
    if isinstance(v, (int, float)):
        return {"N": str(v)}
    return {"S": str(v)}


def cli_calls(seed):
    """The AWS CLI argv (after `aws --endpoint-url URL`) for each create call of an AWS seed."""
    calls = []
    for t in seed["dynamodb"]["tables"]:
        keys = [{"AttributeName": t["hash_key"], "KeyType": "HASH"}]
        if t.get("range_key"):
            keys.append({"AttributeName": t["range_key"], "KeyType": "RANGE"})
        argv = ["dynamodb", "create-table", "--table-name", t["name"],
                "--attribute-definitions", json.dumps([{"AttributeName": k, "AttributeType": v} for k, v in t["attributes"].items()]),
                "--key-schema", json.dumps(keys), "--billing-mode", "PAY_PER_REQUEST"]
        if t.get("gsis"):
            argv += ["--global-secondary-indexes", json.dumps([
                {"IndexName": g["name"], "KeySchema": [{"AttributeName": g["hash_key"], "KeyType": "HASH"}],
                 "Projection": {"ProjectionType": g["projection"]}} for g in t["gsis"]])]
        calls.append(argv)
        if t.get("items"):
            calls.append(["dynamodb", "batch-write-item", "--request-items", json.dumps(
                {t["name"]: [{"PutRequest": {"Item": {k: dyn_type(v) for k, v in it.items()}}} for it in t["items"]]})])
    for q in seed["sqs"]["queues"]:
        attrs = {}
        if q.get("fifo"):
            attrs["FifoQueue"] = "true"
        if q.get("dead_letter"):
            attrs["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{q['dead_letter']['queue']}",
                                                 "maxReceiveCount": str(q["dead_letter"]["max_receive_count"])})
        calls.append(["sqs", "create-queue", "--queue-name", q["name"], *(["--attributes", json.dumps(attrs)] if attrs else [])])
    for name, value in seed["ssm"]["parameters"].items():
        calls.append(["ssm", "put-parameter", "--name", name, "--value", value, "--type", "String"])
    for b in seed["s3"]["buckets"]:
        calls.append(["s3api", "create-bucket", "--bucket", b["name"]])
        for key, body in b.get("objects", {}).items():
            calls.append(["s3api", "put-object", "--bucket", b["name"], "--key", key, "--body", f"@{key}"])
    return calls


class Cli:
    def __init__(self, aws, work, port):
        self.aws, self.url = aws, f"http://127.0.0.1:{port}"
        (work / "aws-empty-config").write_text("")
        self.env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                    "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "AWS_PAGER": "",
                    "AWS_CONFIG_FILE": str(work / "aws-empty-config"),
                    "AWS_SHARED_CREDENTIALS_FILE": str(work / "aws-empty-config")}
        self.work = work

    def seed(self, calls):
        """One process per call, in order, each checked; the total wall time."""
        t0 = time.perf_counter()
        for c in calls:
            argv = [self.aws, "--endpoint-url", self.url, *c]
            if c[:2] == ["s3api", "put-object"]:      # --body reads a file: write it first
                (self.work / c[c.index("--key") + 1]).write_text("hello")
                argv[-1] = str(self.work / c[c.index("--key") + 1])
            must(run(argv, cwd=self.work, env=self.env), "aws " + " ".join(c[:2]))
        return time.perf_counter() - t0


def one_connection(port, seed):
    """The floor: the same create calls from this one process over one kept-alive HTTP
    connection, unsigned (moto does not check signatures), in order, each checked. Returns secs."""
    import http.client
    auth = lambda svc: (f"AWS4-HMAC-SHA256 Credential=test/20260101/{REGION}/{svc}/aws4_request, "
                        "SignedHeaders=host, Signature=0")
    reqs = []
    for t in seed["dynamodb"]["tables"]:
        keys = [{"AttributeName": t["hash_key"], "KeyType": "HASH"}] + (
            [{"AttributeName": t["range_key"], "KeyType": "RANGE"}] if t.get("range_key") else [])
        body = {"TableName": t["name"], "KeySchema": keys, "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": k, "AttributeType": v} for k, v in t["attributes"].items()]}
        if t.get("gsis"):
            body["GlobalSecondaryIndexes"] = [{"IndexName": g["name"], "Projection": {"ProjectionType": g["projection"]},
                                               "KeySchema": [{"AttributeName": g["hash_key"], "KeyType": "HASH"}]}
                                              for g in t["gsis"]]
        reqs.append(("POST", "/", "dynamodb", "DynamoDB_20120810.CreateTable", "1.0", body))
    for q in seed["sqs"]["queues"]:
        attrs = {"FifoQueue": "true"} if q.get("fifo") else {}
        if q.get("dead_letter"):
            attrs["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{q['dead_letter']['queue']}",
                                                 "maxReceiveCount": str(q["dead_letter"]["max_receive_count"])})
        reqs.append(("POST", "/", "sqs", "AmazonSQS.CreateQueue", "1.0", {"QueueName": q["name"], "Attributes": attrs}))
    for name, value in seed["ssm"]["parameters"].items():
        reqs.append(("POST", "/", "ssm", "AmazonSSM.PutParameter", "1.1", {"Name": name, "Value": value, "Type": "String"}))
    for b in seed["s3"]["buckets"]:
        reqs.append(("PUT", f"/{b['name']}", "s3", None, None, None))
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for method, path, svc, target, version, body in reqs:
        headers = {"Authorization": auth(svc)}
        if target:
            headers.update({"X-Amz-Target": target, "Content-Type": f"application/x-amz-json-{version}"})
        conn.request(method, path, body=json.dumps(body).encode() if body is not None else b"", headers=headers)
        r = conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise RuntimeError(f"{target or method + ' ' + path}: HTTP {r.status} {data[:300]!r}")
    conn.close()
    return time.perf_counter() - t0


# --- The benchmark -----------------------------------------------------------------------------

class Bench:
    def __init__(self, a):
        self.a = a
        self.env = {**os.environ, "NO_COLOR": "1", "CI": "1"}
        self.envs = []           # (work, name, opts) of every environment made, for the teardown
        self.failures = []       # (what, error text) recorded for the results file
        self.offsets = []

    def make_env(self, profile):
        work = Path(tempfile.mkdtemp(prefix="devenv-bench-seed-"))
        (work / "devenv.yaml").write_text(json.dumps(profile, indent=1) + "\n")
        name = f"bench-seed-{uuid.uuid4().hex[:8]}"
        off = pick_offset(PORTS.values(), self.offsets)
        self.offsets.append(off)
        opts = ["--project-name", name, "--port-offset", str(off)]
        self.envs.append((work, name, opts))
        return work, name, opts, {k: v + off for k, v in PORTS.items()}

    def dv(self, work, *args, timeout=600):
        return run([self.a.devenv, *args], cwd=work, env=self.env, timeout=timeout, rss=True)

    def teardown(self):
        for work, name, opts in self.envs:
            self.dv(work, "down", "--volumes", *opts, timeout=300)
            run(["docker", "compose", "-p", name, "down", "--volumes", "--remove-orphans", "--timeout", "3"],
                cwd=work, timeout=300)
            label = f"label=com.docker.compose.project={name}"
            left = run(["docker", "ps", "-aq", "--filter", label]).out.split()
            if left:
                run(["docker", "rm", "-f", "-v", *left])
            vols = run(["docker", "volume", "ls", "-q", "--filter", label]).out.split()
            if vols:
                run(["docker", "volume", "rm", "-f", *vols])
            shutil.rmtree(work, ignore_errors=True)

    def fail(self, what, r_or_text):
        text = r_or_text.tail(25) if isinstance(r_or_text, Run) else str(r_or_text)
        print(f"FAILED: {what}\n{text}", file=sys.stderr)
        self.failures.append((what, text))

    # Part 1 ------------------------------------------------------------------------------------

    def part1(self):
        res = {"cli": [], "floor": [], "seed": [], "seed_rss": [], "again": [], "soft": [], "checks": [], "summary": {}}
        work, name, opts, ports = self.make_env(profile69())
        port = ports["aws"]
        must(self.dv(work, "up", "--no-seed", *opts), "devenv up --no-seed (part 1)")
        cli = Cli(self.a.aws, work, port)
        calls = cli_calls(set69())
        res["calls"] = len(calls)
        want = {"tables": sorted(t["name"] for t in set69()["dynamodb"]["tables"]),
                "queues": sorted(q["name"] for q in set69()["sqs"]["queues"]),
                "params": sorted(set69()["ssm"]["parameters"]), "buckets": ["bench-b1", "bench-b2"]}

        def check(what):
            got = aws_inventory(port)
            if got != want:
                diff = {k: {"missing": sorted(set(want[k]) - set(got[k])), "extra": sorted(set(got[k]) - set(want[k]))}
                        for k in want if got[k] != want[k]}
                self.fail(f"part 1: what moto holds after {what}", json.dumps(diff))
                return False
            return True

        # Warm-up, untimed: the CLI's and devenv's first start (page cache), moto's first tables.
        moto_reset(port)
        cli.seed(calls[:3])
        moto_reset(port)
        self.dv(work, "seed", *opts)
        for i in range(self.a.runs):
            print(f"part 1, round {i + 1}/{self.a.runs}", file=sys.stderr)
            moto_reset(port)
            res["cli"].append(cli.seed(calls))
            ok = check("the AWS CLI loop")

            moto_reset(port)
            res["floor"].append(one_connection(port, set69()))
            ok = check("the calls over one connection") and ok

            moto_reset(port)
            r = self.dv(work, "seed", *opts)
            if r.code != 0:
                self.fail(f"part 1, round {i + 1}: `devenv seed` into an empty moto (exit {r.code})", r)
                res["summary"].setdefault("seed", r.tail(25))
                continue
            res["seed"].append(r.secs)
            res["seed_rss"].append(r.maxrss_kb)
            res["summary"].setdefault("seed", r.tail(25))
            ok = check("`devenv seed`") and ok

            r = self.dv(work, "seed", *opts)
            if r.code != 0:
                self.fail(f"part 1, round {i + 1}: `devenv seed` on the seeded state (exit {r.code})", r)
            else:
                res["again"].append(r.secs)
                res["summary"].setdefault("again", r.tail(25))

            mutate_aws(port, "bench-t0", {"pk": {"S": "app"}, "sk": {"S": "1"}, "g": {"S": "x"}})
            r = self.dv(work, "reset", *opts)
            if r.code != 0:
                self.fail(f"part 1, round {i + 1}: `devenv reset` (exit {r.code})", r)
            else:
                res["soft"].append(r.secs)
                res["summary"].setdefault("soft", r.tail(25))
                ok = check("`devenv reset`") and item_count(port, "bench-t0") == 0 and ok
            res["checks"].append(ok)
        return res

    # Part 2 ------------------------------------------------------------------------------------

    def part2(self):
        res = {"soft": [], "hard": [], "today": [], "today_parts": [], "checks": [], "summary": {}}
        prof = profile_reset()
        work, name, opts, ports = self.make_env(prof)
        aws_port, pg_port, redis_port = ports["aws"], ports["postgres"], ports["redis"]
        pg_env = {**os.environ, "PGPASSWORD": "app", "PGHOST": "127.0.0.1", "PGPORT": str(pg_port), "PGUSER": "app",
                  "PGCONNECT_TIMEOUT": "10"}
        psql = lambda db, sql: run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql], env=pg_env)
        rcli = lambda *args: run(["redis-cli", "-h", "127.0.0.1", "-p", str(redis_port), *args])
        cli = Cli(self.a.aws, work, aws_port)
        calls = cli_calls(small_aws())
        res["calls"] = len(calls)
        compose_file = work / "bench-compose.yaml"
        compose_file.write_text(must(self.dv(work, "render", *opts), "devenv render").out)
        dc = ["docker", "compose", "-p", name, "--project-directory", str(work), "-f", str(compose_file)]

        r = self.dv(work, "up", *opts)
        if r.code != 0:
            self.fail(f"part 2: `devenv up` (with its seed) (exit {r.code})", r)
        res["summary"]["up"] = r.tail(25)

        def seeded_ok(what):
            """The seeded state and nothing of the application's changes."""
            problems = []
            inv = aws_inventory(aws_port)
            if sorted(inv["queues"]) != ["events", "events-dlq", "jobs"]:
                problems.append(f"queues {inv['queues']}")
            if sorted(inv["params"]) != sorted(small_aws()["ssm"]["parameters"]):
                problems.append(f"parameters {inv['params']}")
            if sorted(inv["tables"]) != ["customers", "orders", "sessions"]:
                problems.append(f"tables {inv['tables']}")
            elif item_count(aws_port, "customers") != 5:
                problems.append(f"customers items {item_count(aws_port, 'customers')}")
            r = psql("shop", "SELECT count(*), coalesce(sum(price), 0) FROM products")
            if r.code != 0 or r.out.strip() != "100|7575.0":
                problems.append(f"products {r.out.strip() or r.err.strip()}")
            r = psql("shop", "SELECT count(*) FROM pg_tables WHERE tablename = 'app_made'")
            if r.out.strip() != "0":
                problems.append("table app_made still there")
            if rcli("GET", "greeting").out.strip() != "hello" or rcli("EXISTS", "app:made").out.strip() != "0" \
                    or rcli("LLEN", "queue:jobs").out.strip() != "3":
                problems.append("redis keys")
            if problems:
                self.fail(f"part 2: the state after {what}", "; ".join(problems))
            return not problems

        def mutate():
            mutate_aws(aws_port, "customers", {"id": {"S": "app-made"}})
            aws_call(aws_port, "dynamodb", "DynamoDB_20120810.DeleteItem", {"TableName": "customers", "Key": {"id": {"S": "c1"}}})
            r = psql("shop", "INSERT INTO products VALUES (1000, 'app made', 1); DELETE FROM products WHERE id = 1; "
                             "UPDATE products SET price = 0 WHERE id = 2; CREATE TABLE app_made (x int);")
            if r.code != 0:
                self.fail("part 2: the application's changes in PostgreSQL", r)
            rcli("SET", "app:made", "1")
            rcli("DEL", "greeting")
            rcli("RPUSH", "queue:jobs", "d")

        def today():
            """down -v, up --wait, then the seed by hand; returns (total, {phase: secs}) or None."""
            parts = {}
            t0 = time.perf_counter()
            r = run([*dc, "down", "--volumes", "--timeout", "3"], cwd=work)
            parts["down -v"] = r.secs
            if r.code != 0:
                return self.fail("part 2: docker compose down -v", r)
            r = run([*dc, "up", "-d", "--wait"], cwd=work)
            parts["up -d --wait"] = r.secs
            if r.code != 0:
                return self.fail("part 2: docker compose up -d --wait", r)
            parts["aws CLI"] = cli.seed(calls)
            t1 = time.perf_counter()
            r = run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "app", "-c", "CREATE DATABASE shop"], env=pg_env)
            if r.code == 0:
                r = run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "shop", "-f", "-"], env=pg_env, input=SQL)
            if r.code != 0:
                return self.fail("part 2: psql seed", r)
            parts["psql"] = time.perf_counter() - t1
            r = run(["redis-cli", "-h", "127.0.0.1", "-p", str(redis_port)], input="\n".join(REDIS_CMDS) + "\n")
            parts["redis-cli"] = r.secs
            if r.code != 0:
                return self.fail("part 2: redis-cli seed", r)
            return time.perf_counter() - t0, parts

        # Warm-up, untimed: one soft reset.
        mutate()
        self.dv(work, "reset", *opts)
        for i in range(self.a.runs):
            print(f"part 2, round {i + 1}/{self.a.runs}", file=sys.stderr)
            r = self.dv(work, "reset", "--hard", *opts)
            if r.code != 0:
                self.fail(f"part 2, round {i + 1}: `devenv reset --hard` (exit {r.code})", r)
                res["summary"].setdefault("hard", r.tail(25))
                self.dv(work, "up", *opts)
            else:
                res["hard"].append(r.secs)
                res["summary"].setdefault("hard", r.tail(25))
            ok = seeded_ok("`devenv reset --hard`")

            mutate()
            r = self.dv(work, "reset", *opts)
            if r.code != 0:
                self.fail(f"part 2, round {i + 1}: `devenv reset` (exit {r.code})", r)
                res["summary"].setdefault("soft", r.tail(25))
            else:
                res["soft"].append(r.secs)
                res["summary"].setdefault("soft", r.tail(25))
            ok = seeded_ok("`devenv reset`") and ok

            mutate()
            t = today()
            if t:
                res["today"].append(t[0])
                res["today_parts"].append(t[1])
                ok = seeded_ok("down -v, up --wait and the seed by hand") and ok
            res["checks"].append(ok)
        return res


# --- Results -------------------------------------------------------------------------------------

def fmt_s(v):
    return f"{v * 1000:.0f} ms" if v < 10 else f"{v:.1f} s"


def row(label, v):
    if not v:
        return f"| {label} | not measured | | | |"
    return f"| {label} | {fmt_s(statistics.median(v))} | {fmt_s(min(v))} | {fmt_s(max(v))} | {len(v)} |"


def ratio(a, b):
    if not a or not b:
        return None
    return statistics.median(a) / statistics.median(b)


def ratio_text(r, goal=None):
    if r is None:
        return "not measured"
    return f"**{r:.0f}x**" if r >= 10 else f"**{r:.1f}x**"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5, help="runs of each kind")
    ap.add_argument("--devenv", default=os.environ.get("DEVENV_BIN", str(ROOT / "build" / "devenv")))
    ap.add_argument("--aws", default=shutil.which("aws", path="/usr/bin") or "aws", help="the AWS CLI (default: Debian's /usr/bin/aws)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "seed.md"))
    ap.add_argument("--note", default="", help="a sentence for the results file (where the binary came from)")
    ap.add_argument("--only", choices=["seed", "reset"], help="only part 1 (seed) or part 2 (reset)")
    a = ap.parse_args()
    a.devenv = str(Path(a.devenv).resolve())

    if run(["docker", "info"]).code != 0:
        sys.exit("no Docker engine answers: run scripts/start-engine.sh")
    for img in IMAGES.values():
        if run(["docker", "image", "inspect", img]).code != 0:
            sys.exit(f"missing image {img}: run scripts/build-standin-images.sh")
    for tool in ("psql", "redis-cli"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed for the hand-made seed of part 2")

    b = Bench(a)
    p1 = p2 = None
    t_start = time.time()
    try:
        if a.only != "reset":
            try:
                p1 = b.part1()
            except Exception as e:            # recorded, then part 2 still runs
                b.fail("part 1 stopped", repr(e) if not isinstance(e, RuntimeError) else str(e))
        if a.only != "seed":
            try:
                p2 = b.part2()
            except Exception as e:
                b.fail("part 2 stopped", repr(e) if not isinstance(e, RuntimeError) else str(e))
    finally:
        print("tearing down", file=sys.stderr)
        b.teardown()

    commit = run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]).out.strip()
    dv_version = run([a.devenv, "--version"]).out.strip()
    aws_v = run([a.aws, "--version"])
    aws_v = (aws_v.out + aws_v.err).strip()
    docker_v = run(["docker", "version", "--format", "{{.Server.Version}}"]).out.strip()
    compose_v = run(["docker", "compose", "version", "--short"]).out.strip()
    load = os.getloadavg()
    med = statistics.median
    lines = [
        "# Seed and reset benchmark",
        "",
        f"`bench/seed.py` at {commit}, {time.strftime('%Y-%m-%d %H:%M %Z')} ({(time.time() - t_start) / 60:.0f} min); "
        f"devenv binary `{a.devenv}` ({dv_version}, modified {time.strftime('%Y-%m-%d %H:%M', time.localtime(os.path.getmtime(a.devenv)))}); "
        f"{os.cpu_count()} cores, {platform.system()} {platform.release()}, Docker Engine {docker_v}, Compose {compose_v}, "
        f"{aws_v}; load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (the machine is shared).",
        *([a.note] if a.note else []),
        f"Stand-in images ({', '.join(IMAGES.values())}). Medians of {a.runs} runs of each kind, interleaved; "
        "every time is a whole process (or a chain of them), wall clock, as a user or CI waits for it.",
        "",
    ]
    if p1:
        cli_, seed_, again_, soft_ = p1["cli"], p1["seed"], p1["again"], p1["soft"]
        r_seed = ratio(cli_, seed_)
        lines += [
            "## 1. Seeding 69 resources into an empty moto",
            "",
            "12 DynamoDB tables with a GSI each, 5 SQS queues (a dead-letter queue, two queues wired to it by "
            "redrive policy, a plain one, a FIFO one), 50 SSM String parameters, 2 S3 buckets: "
            f"{p1['calls']} create calls. moto is emptied by `POST /moto-api/reset` before each run "
            "(not timed), so every run creates everything.",
            "",
            "| how | median | min | max | runs |",
            "| --- | --- | --- | --- | --- |",
            row(f"(a) AWS CLI, one `aws --endpoint-url ...` process per call ({p1['calls']} processes)", cli_),
            row("(b) `devenv seed` (whole process: profile, state, 69 creates, checks)", seed_),
            row("reference: the same 69 calls from the benchmark's own Python process over one kept-alive "
                "HTTP connection, unsigned, one at a time", p1["floor"]),
            row("(c) `devenv seed` again on the seeded state (all unchanged)", again_),
            row("(d) `devenv reset` (soft) after an item, a queue and a parameter were added", soft_),
            "",
            (f"AWS CLI: median {fmt_s(med(cli_) / p1['calls'])} per call (process start, Python, botocore, one request). "
             if cli_ else "") +
            f"AWS CLI / `devenv seed`: {ratio_text(r_seed)} (goal: at least 100x, and under 0.5 s: "
            + ("met" if seed_ and r_seed >= 100 and med(seed_) < 0.5 else "NOT met" if seed_ else "not measured") + ").",
        ]
        if seed_:
            lines.append(f"Peak memory (max RSS) of `devenv seed`: median {med(p1['seed_rss']) / 1024:.1f} MB, "
                         f"max {max(p1['seed_rss']) / 1024:.1f} MB (goal: under 30 MB).")
        if p1["checks"]:
            lines.append(f"After every run, what moto held was checked (tables, queues, parameters, buckets by name; "
                         f"no leftover of the application's changes after the reset): "
                         f"{sum(p1['checks'])} of {len(p1['checks'])} rounds matched.")
        for k, title in (("seed", "`devenv seed` (first run)"), ("again", "`devenv seed` on the seeded state"),
                         ("soft", "`devenv reset`")):
            if k in p1["summary"]:
                lines += ["", f"Output of {title}:", "", "```", p1["summary"][k], "```"]
        lines.append("")
    if p2:
        soft, hard, today = p2["soft"], p2["hard"], p2["today"]
        r_soft, r_hard = ratio(today, soft), ratio(today, hard)
        lines += [
            "## 2. Reset of PostgreSQL + Redis + moto",
            "",
            "Profile: `aws` (moto: 3 tables, one with a GSI, 11 items, 3 queues with a dead-letter queue, "
            "5 parameters, a bucket with an object), `postgres` (database `shop`, a table and 100 rows from SQL), "
            "`redis` (5 keys: string, hash, list, set, sorted set). Before each reset the application's changes "
            "are made (not timed): DynamoDB item added and one deleted, a queue and a parameter added, rows "
            "inserted, deleted and updated and a table created in `shop`, Redis keys added, deleted and changed. "
            "Each round: `devenv reset --hard`, changes, `devenv reset`, changes, today's way; the seeded state "
            "is checked after each (not timed).",
            "",
            "| how | median | min | max | runs |",
            "| --- | --- | --- | --- | --- |",
            row("`devenv reset` (soft, against the running containers)", soft),
            row("`devenv reset --hard` (down --volumes, up, seed)", hard),
            row(f"today: `docker compose down -v` + `docker compose up -d --wait` + AWS CLI ({p2['calls']} processes) + psql + redis-cli", today),
            "",
            f"Today / soft reset: {ratio_text(r_soft)} (goal: under 1 s and at least 50x: "
            + ("met" if soft and med(soft) < 1 and r_soft and r_soft >= 50 else "NOT met" if soft else "not measured") + "). "
            f"Today / hard reset: {ratio_text(r_hard)}.",
        ]
        if p2["today_parts"]:
            keys = list(p2["today_parts"][0])
            lines += ["", "Today's way, median per step: " + ", ".join(
                f"{k} {fmt_s(med([p[k] for p in p2['today_parts'] if k in p]))}" for k in keys) + "."]
        if p2["checks"]:
            lines.append(f"Seeded state checked after every reset of every kind: {sum(p2['checks'])} of "
                         f"{len(p2['checks'])} rounds matched.")
        for k, title in (("up", "`devenv up` (first, with its seed)"), ("soft", "`devenv reset`"),
                         ("hard", "`devenv reset --hard`")):
            if k in p2["summary"]:
                lines += ["", f"Output of {title}:", "", "```", p2["summary"][k], "```"]
        lines.append("")
    if b.failures:
        lines += ["## What failed", ""]
        seen = set()
        for what, text in b.failures:
            key = (what.split(": ", 1)[-1], text)
            if key in seen:
                continue
            seen.add(key)
            lines += [f"- {what}:", "", "  ```", *("  " + l for l in text.splitlines()), "  ```", ""]
    raw = {}
    if p1:
        raw.update({"aws_cli_69": [round(v, 3) for v in p1["cli"]], "one_connection_69": [round(v, 4) for v in p1["floor"]],
                    "devenv_seed_69": [round(v, 4) for v in p1["seed"]],
                    "devenv_seed_69_unchanged": [round(v, 4) for v in p1["again"]],
                    "devenv_reset_69": [round(v, 4) for v in p1["soft"]], "devenv_seed_69_maxrss_kb": p1["seed_rss"]})
    if p2:
        raw.update({"devenv_reset_soft": [round(v, 4) for v in p2["soft"]], "devenv_reset_hard": [round(v, 3) for v in p2["hard"]],
                    "today_down_up_seed": [round(v, 3) for v in p2["today"]]})
    lines += ["Raw seconds: " + json.dumps(raw), ""]
    text = "\n".join(lines)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()

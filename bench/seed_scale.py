#!/usr/bin/python3
"""How devenv's seed and reset grow with the size of the seed: one run, one machine.

For each kind and size, against the bulk tool a user would otherwise reach for, all in this run:
  - DynamoDB items from an items_file (JSON lines): 100 / 1,000 / 10,000 / 100,000, against a
    script driving BatchWriteItem 25 items a call (botocore, the library inside the aws CLI, in one
    process over one connection; the aws CLI itself, one process per 25 items, at 100 and 1,000);
  - SSM parameters: 10 / 100 / 1,000, against put-parameter per parameter (botocore loop, and the
    aws CLI one process per parameter at 10 and 100);
  - tables with two GSIs each: 1 / 10 / 100, against create-table per table (botocore loop, and
    the aws CLI at 1 and 10);
  - PostgreSQL rows by the postgres kind's `copy` step: 10,000 / 1,000,000 CSV rows, against
    `psql -c "\\copy ..."`;
  - Redis keys: 1,000 / 100,000, against `redis-cli --pipe`.
Each devenv figure is the whole `devenv seed` process (first seed into an emptied service), the
unchanged re-seed, and the soft reset, with the seed's peak RSS (its own ru_maxrss, through GNU time). Two devenv
builds run side by side, each on its own containers: --before (main as found) and --devenv (this
tree). Then `devenv up` on the environment already up with the 100,000-item seed.

Writes bench/results/seed-scale.md and bench/results/seed-scale.png (log-log, one panel per
kind; matplotlib from Debian's python3-matplotlib). See bench/README.md.
Usage: bench/seed_scale.py [--runs N] [--devenv PATH] [--before PATH] [--quick]
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
import uuid
from pathlib import Path

from common import pick_offset
from seed import IMAGES, PORTS, REGION, aws_call, moto_reset, must, run  # bench/seed.py

ROOT = Path(__file__).resolve().parents[1]
AWS = "/usr/bin/aws"  # Debian's awscli (2.9), as bench/seed.py uses
SIZES = {"items": [100, 1000, 10000, 100000], "ssm": [10, 100, 1000], "tables": [1, 10, 100],
         "copy": [10000, 1000000], "redis": [1000, 100000]}
QUICK = {"items": [100, 1000], "ssm": [10, 100], "tables": [1, 10], "copy": [10000], "redis": [1000]}
TITLES = {"items": "DynamoDB items (items_file)", "ssm": "SSM parameters", "tables": "DynamoDB tables, 2 GSIs each",
          "copy": "PostgreSQL rows (copy step)", "redis": "Redis keys"}
UNIT = {"items": "items", "ssm": "parameters", "tables": "tables", "copy": "rows", "redis": "keys"}
BULK = {"items": "BatchWriteItem script, 25 a call", "ssm": "put-parameter per parameter",
        "tables": "create-table per table", "copy": "psql \\copy", "redis": "redis-cli --pipe"}

# --- The data --------------------------------------------------------------------------------

ITEM_TABLE = {"name": "scale-items", "attributes": {"pk": "S", "sk": "S"}, "hash_key": "pk", "range_key": "sk",
              "billing_mode": "PAY_PER_REQUEST"}


def item(i):
    return {"pk": f"customer#{i % 997:04d}", "sk": f"order#{i:07d}", "status": "PLACED" if i % 3 else "SHIPPED",
            "total": i % 1000 + 0.5, "lines": i % 7 + 1, "note": f"fixture order {i} for the scale benchmark"}


def write_items(path, n):
    with open(path, "w") as f:
        for i in range(n):
            f.write(json.dumps(item(i)) + "\n")


def write_csv(path, n):
    with open(path, "w") as f:
        for i in range(n):
            f.write(f"{i},name {i},{i % 1000}.25,2026-01-{i % 28 + 1:02d}\n")


PG_TABLE = "CREATE TABLE IF NOT EXISTS scale_rows (id int PRIMARY KEY, name text NOT NULL, amount numeric, day date)"


def tables(n):
    return [{"name": f"scale-t{i:03d}", "attributes": {"pk": "S", "sk": "S", "g1": "S", "g2": "S"}, "hash_key": "pk",
             "range_key": "sk", "billing_mode": "PAY_PER_REQUEST",
             "gsis": [{"name": "by-g1", "hash_key": "g1", "projection": "ALL"},
                      {"name": "by-g2", "hash_key": "g2", "range_key": "sk", "projection": "KEYS_ONLY"}]}
            for i in range(n)]


def params(n):
    return {f"/scale/app/p{i:04d}": f"value-{i}-{'x' * 20}" for i in range(n)}


def seed_block(kind, n, label="after"):
    """The profile's seed for one kind and size (files named relative to the profile). Redis keys
    come from a keys_file (JSON lines) for this tree; main as found has no keys_file, so the
    `before` build gets the same keys inline."""
    if kind == "items":
        return {"aws": {"dynamodb": {"tables": [{**ITEM_TABLE, "items_file": f"items-{n}.jsonl"}]}}}
    if kind == "ssm":
        return {"aws": {"ssm": {"parameters": params(n)}}}
    if kind == "tables":
        return {"aws": {"dynamodb": {"tables": tables(n)}}}
    if kind == "copy":
        return {"postgres": {"postgres": {"databases": [{"name": "scale", "sql": [
            {"text": PG_TABLE}, {"copy": {"table": "scale_rows", "file": f"rows-{n}.csv", "format": "csv"}}]}]}}}
    if kind == "redis" and label != "before":
        return {"redis": {"redis": {"db": 0, "keys_file": f"keys-{n}.jsonl"}}}
    if kind == "redis":
        return {"redis": {"redis": {"db": 0, "keys": [{"key": f"key:{i:06d}", "value": f"value-{i}"} for i in range(n)]}}}
    raise ValueError(kind)


def profile(seed):
    return {"name": "bench-scale", "description": "devenv's seed-at-scale benchmark",
            "services": {
                "aws": {"template": "moto", "with": {"image": IMAGES["aws"], "services": ["dynamodb", "ssm"]}},
                "postgres": {"template": "postgres", "with": {"image": IMAGES["postgres"]}},
                "redis": {"template": "redis", "with": {"image": IMAGES["redis"]}}},
            "seed": seed}


# --- The bulk tools ----------------------------------------------------------------------------

BOTO = r'''
import json, sys
try:
    from awscli.botocore import session as botocore_session  # Debian's awscli 2 carries its own botocore
except ImportError:
    from botocore import session as botocore_session
kind, port, arg = sys.argv[1], sys.argv[2], sys.argv[3]
s = botocore_session.get_session()
def client(svc):
    return s.create_client(svc, region_name="us-east-1", endpoint_url="http://127.0.0.1:" + port,
                           aws_access_key_id="test", aws_secret_access_key="test")
def typed(v):
    if isinstance(v, bool): return {"BOOL": v}
    if isinstance(v, (int, float)): return {"N": str(v)}
    return {"S": str(v)}
if kind == "items":
    c = client("dynamodb")
    spec = json.loads(sys.argv[4])
    c.create_table(**spec)
    batch = []
    def flush():
        req = {"scale-items": batch}
        while req:
            req = c.batch_write_item(RequestItems=req).get("UnprocessedItems") or {}
    with open(arg) as f:
        for line in f:
            batch.append({"PutRequest": {"Item": {k: typed(v) for k, v in json.loads(line).items()}}})
            if len(batch) == 25:
                flush(); batch = []
    if batch: flush()
elif kind == "ssm":
    c = client("ssm")
    for name, value in json.load(open(arg)).items():
        c.put_parameter(Name=name, Value=value, Type="String")
elif kind == "tables":
    c = client("dynamodb")
    for spec in json.load(open(arg)):
        c.create_table(**spec)
'''


def table_spec(t):
    keys = [{"AttributeName": t["hash_key"], "KeyType": "HASH"}]
    if t.get("range_key"):
        keys.append({"AttributeName": t["range_key"], "KeyType": "RANGE"})
    spec = {"TableName": t["name"], "KeySchema": keys, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": k, "AttributeType": v} for k, v in t["attributes"].items()]}
    if t.get("gsis"):
        spec["GlobalSecondaryIndexes"] = [
            {"IndexName": g["name"], "Projection": {"ProjectionType": g["projection"]},
             "KeySchema": [{"AttributeName": g["hash_key"], "KeyType": "HASH"}] +
                          ([{"AttributeName": g["range_key"], "KeyType": "RANGE"}] if g.get("range_key") else [])}
            for g in t["gsis"]]
    return spec


def resp(*args):
    out = f"*{len(args)}\r\n"
    for a in args:
        b = str(a).encode()
        out += f"${len(b)}\r\n{a}\r\n"
    return out


# --- The benchmark -----------------------------------------------------------------------------

class PipeRun:
    """redis-cli --pipe's outcome, shaped like seed.py's Run where the benchmark reads it."""

    def __init__(self, code, secs, text):
        self.code, self.secs, self.text = code, secs, text

    def tail(self, n=20):
        return "\n".join(self.text.strip().splitlines()[-n:])


class Env:
    """One environment (aws + postgres + redis) driven by one devenv build."""

    def __init__(self, bench, label, binary):
        self.b, self.label, self.bin = bench, label, binary
        self.work = Path(tempfile.mkdtemp(prefix=f"devenv-bench-scale-{label}-"))
        self.name = f"bench-scale-{label}-{uuid.uuid4().hex[:6]}"
        self.off = pick_offset(PORTS.values(), bench.offsets)
        bench.offsets.append(self.off)
        self.ports = {k: v + self.off for k, v in PORTS.items()}
        self.opts = ["--project-name", self.name, "--port-offset", str(self.off)]
        self.env = {**os.environ, "NO_COLOR": "1", "CI": "1"}
        self.pg_env = {**os.environ, "PGPASSWORD": "app", "PGHOST": "127.0.0.1", "PGPORT": str(self.ports["postgres"]),
                       "PGUSER": "app"}

    def dv(self, *args, timeout=1800):
        return run([self.bin, *args, *self.opts], cwd=self.work, env=self.env, timeout=timeout, rss=True)

    def set_seed(self, seed):
        (self.work / "devenv.yaml").write_text(json.dumps(profile(seed)) + "\n")

    def psql(self, db, *cmds, timeout=600):
        argv = ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", db]
        for c in cmds:
            argv += ["-c", c]
        return run(argv, cwd=self.work, env=self.pg_env, timeout=timeout)

    def rcli(self, *args, input=None):
        return run(["redis-cli", "-h", "127.0.0.1", "-p", str(self.ports["redis"]), *args], input=input)

    def empty(self, kind):
        """The service as a fresh one, and no state record: the next seed is a first seed."""
        (self.work / ".devenv" / "state.json").unlink(missing_ok=True)
        if kind in ("items", "ssm", "tables"):
            moto_reset(self.ports["aws"])
        elif kind == "copy":
            must(self.psql("app", "DROP DATABASE IF EXISTS scale WITH (FORCE)",
                           "DROP DATABASE IF EXISTS scale__devenv_seed WITH (FORCE)",
                           "DROP DATABASE IF EXISTS scale__devenv_old WITH (FORCE)"), "drop scale")
        elif kind == "redis":
            must(self.rcli("FLUSHALL"), "FLUSHALL")

    def count(self, kind, n):
        """What the service holds, read with a client devenv does not use."""
        if kind == "items":
            total, start = 0, None
            while True:
                body = {"TableName": "scale-items", "Select": "COUNT", **({"ExclusiveStartKey": start} if start else {})}
                r = aws_call(self.ports["aws"], "dynamodb", "DynamoDB_20120810.Scan", body)
                total += r["Count"]
                start = r.get("LastEvaluatedKey")
                if not start:
                    return total
        if kind == "ssm":
            r = run([AWS, "--endpoint-url", f"http://127.0.0.1:{self.ports['aws']}", "ssm", "get-parameters-by-path",
                     "--path", "/scale/app", "--query", "length(Parameters)"], env=self.b.aws_env)
            return int(must(r, "aws ssm get-parameters-by-path").out.strip() or 0)
        if kind == "tables":
            r = aws_call(self.ports["aws"], "dynamodb", "DynamoDB_20120810.ListTables", {"Limit": 100})
            return len([t for t in r.get("TableNames", []) if t.startswith("scale-t")])
        if kind == "copy":
            r = self.psql("scale", "SELECT count(*) FROM scale_rows")
            return int(r.out.strip()) if r.code == 0 else -1
        if kind == "redis":
            return int(must(self.rcli("DBSIZE"), "DBSIZE").out.strip())

    def mutate(self, kind):
        """What an application does between test runs (so the reset has something to undo)."""
        if kind in ("items",):
            aws_call(self.ports["aws"], "dynamodb", "DynamoDB_20120810.PutItem",
                     {"TableName": "scale-items", "Item": {"pk": {"S": "app"}, "sk": {"S": "made"}}})
        elif kind == "ssm":
            aws_call(self.ports["aws"], "ssm", "AmazonSSM.PutParameter",
                     {"Name": "/scale/app/app-made", "Value": "x", "Type": "String"}, "1.1")
        elif kind == "tables":
            aws_call(self.ports["aws"], "dynamodb", "DynamoDB_20120810.DeleteTable", {"TableName": "scale-t000"})
        elif kind == "copy":
            must(self.psql("scale", "INSERT INTO scale_rows VALUES (-1, 'app made', 0, NULL)"), "insert")
        elif kind == "redis":
            must(self.rcli("SET", "app:made", "x"), "SET")

    def down(self):
        self.dv("down", "--volumes", timeout=300)
        run(["docker", "compose", "-p", self.name, "down", "--volumes", "--remove-orphans", "--timeout", "3"],
            cwd=self.work, timeout=300)
        shutil.rmtree(self.work, ignore_errors=True)


class Bench:
    def __init__(self, a):
        self.a = a
        self.offsets = []
        self.failures = []
        self.data = Path(tempfile.mkdtemp(prefix="devenv-bench-scale-data-"))
        (self.data / "aws-empty-config").write_text("")
        self.aws_env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "AWS_PAGER": "",
                        "AWS_CONFIG_FILE": str(self.data / "aws-empty-config"),
                        "AWS_SHARED_CREDENTIALS_FILE": str(self.data / "aws-empty-config")}
        (self.data / "boto_seed.py").write_text(BOTO)
        self.results = {}  # (kind, n) -> {series: [secs...], "rss:LABEL": kb}

    def fail(self, what, r):
        text = r.tail(20) if hasattr(r, "tail") else str(r)
        print(f"FAILED: {what}\n{text}", file=sys.stderr)
        self.failures.append((what, text))

    def data_file(self, kind, n):
        if kind == "items":
            p = self.data / f"items-{n}.jsonl"
            if not p.exists():
                write_items(p, n)
            return p
        if kind == "copy":
            p = self.data / f"rows-{n}.csv"
            if not p.exists():
                write_csv(p, n)
            return p
        if kind == "redis":
            p = self.data / f"keys-{n}.jsonl"
            if not p.exists():
                with open(p, "w") as f:
                    for i in range(n):
                        f.write(json.dumps({"key": f"key:{i:06d}", "value": f"value-{i}"}) + "\n")
            return p
        return None

    def add(self, kind, n, series, secs):
        self.results.setdefault((kind, n), {}).setdefault(series, []).append(secs)

    def check(self, env, kind, n, what):
        got = env.count(kind, n)
        if got != n:
            self.fail(f"{kind} {n}: {what} left {got} {UNIT[kind]} (expected {n})", "")
            return False
        return True

    # The bulk tool, once per run, on the first environment's services.
    def bulk(self, env, kind, n, runs):
        port = env.ports["aws"]
        boto = ["/usr/bin/python3", self.data / "boto_seed.py", kind, str(port)]
        cli = [AWS, "--endpoint-url", f"http://127.0.0.1:{port}"]
        for i in range(runs):
            env.empty(kind)
            if kind == "items":
                r = run([*boto, self.data_file(kind, n), json.dumps(table_spec(ITEM_TABLE))], timeout=3600)
            elif kind == "ssm":
                f = self.data / f"params-{n}.json"
                f.write_text(json.dumps(params(n)))
                r = run([*boto, f], timeout=3600)
            elif kind == "tables":
                f = self.data / f"tables-{n}.json"
                f.write_text(json.dumps([table_spec(t) for t in tables(n)]))
                r = run([*boto, f], timeout=3600)
            elif kind == "copy":
                # The same end state as the seed's: the database created, then the table and its
                # rows; both psql processes are timed (devenv's seed creates the database too).
                created = must(env.psql("app", "CREATE DATABASE scale"), "CREATE DATABASE scale")
                r = env.psql("scale", PG_TABLE, f"\\copy scale_rows FROM '{self.data_file(kind, n)}' WITH (FORMAT csv)")
                r.secs += created.secs
            elif kind == "redis":
                f = self.data / f"redis-{n}.resp"
                if not f.exists():
                    f.write_text("".join(resp("SET", f"key:{j:06d}", f"value-{j}") for j in range(n)))
                with open(f, "rb") as fh:
                    t0 = time.perf_counter()
                    p = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(env.ports["redis"]), "--pipe"],
                                       stdin=fh, capture_output=True, timeout=600)
                    secs = time.perf_counter() - t0
                r = PipeRun(p.returncode, secs, (p.stdout + p.stderr).decode(errors="replace"))
            if r.code != 0:
                self.fail(f"{kind} {n}: the bulk tool", r)
                return
            self.check(env, kind, n, "the bulk tool")
            self.add(kind, n, "bulk", r.secs)
        # The aws CLI itself, one process per call, where that takes less than about a minute.
        cli_n = {"items": (100, 1000), "ssm": (10, 100), "tables": (1, 10)}.get(kind, ())
        if n in cli_n:
            env.empty(kind)
            t0 = time.perf_counter()
            if kind == "items":
                spec = table_spec(ITEM_TABLE)
                must(run([*cli, "dynamodb", "create-table", "--cli-input-json", json.dumps(spec)], env=self.aws_env))
                typed = lambda v: {"N": str(v)} if isinstance(v, (int, float)) else {"S": str(v)}
                for s in range(0, n, 25):
                    req = {"scale-items": [{"PutRequest": {"Item": {k: typed(v) for k, v in item(j).items()}}}
                                           for j in range(s, min(n, s + 25))]}
                    must(run([*cli, "dynamodb", "batch-write-item", "--request-items", json.dumps(req)], env=self.aws_env))
            elif kind == "ssm":
                for name, value in params(n).items():
                    must(run([*cli, "ssm", "put-parameter", "--name", name, "--value", value, "--type", "String"],
                             env=self.aws_env))
            elif kind == "tables":
                for t in tables(n):
                    must(run([*cli, "dynamodb", "create-table", "--cli-input-json", json.dumps(table_spec(t))],
                             env=self.aws_env))
            self.add(kind, n, "aws-cli", time.perf_counter() - t0)
            self.check(env, kind, n, "the aws CLI")

    def prepare(self, env, kind, n):
        f = self.data_file(kind, n)
        if f:
            dest = env.work / f.name
            if not dest.exists():
                os.link(f, dest) if os.stat(f).st_dev == os.stat(env.work).st_dev else shutil.copy(f, dest)
        env.set_seed(seed_block(kind, n, env.label))

    def devenv_round(self, env, kind, n):
        """One round on one build: first seed into an emptied service, unchanged re-seed, reset.
        False when a step failed (the failure is recorded; no more rounds of that build)."""
        def step(command, what, series, check=True):
            r = env.dv(command)
            if r.code != 0:
                self.fail(f"{kind} {n}: {env.label} devenv {what}", r)
                return False
            if check:
                self.check(env, kind, n, f"{env.label} {command}")
            self.add(kind, n, f"{env.label}:{series}", r.secs)
            if command == "seed":
                self.add(kind, n, f"{env.label}:{series}_rss" if series != "seed" else f"{env.label}:rss", r.maxrss_kb)
            return True

        env.empty(kind)
        if not step("seed", "seed", "seed") or not step("seed", "seed (unchanged)", "again", check=False):
            return False
        if env.label == "before" and n == max(SIZES[kind]):
            return True  # the machine's time: main's reset at the largest size is not measured
        env.mutate(kind)
        return step("reset", "reset", "reset")

    def devenv(self, envs, kind, n, runs):
        """The builds' rounds interleaved (before, after, before, after, ...), so a change in the
        machine's load between rounds falls on both alike."""
        live = [e for e in envs if not (kind == "copy" and e.label == "before")]  # main as found has no copy step
        for env in live:
            self.prepare(env, kind, n)
        for i in range(runs):
            for env in list(live):
                print(f"{kind} {n}: {env.label}, round {i + 1} of {runs}", file=sys.stderr, flush=True)
                if not self.devenv_round(env, kind, n):
                    live.remove(env)

    def up_already(self, env, runs=15):
        env.set_seed(seed_block("items", max(self.sizes["items"])))
        must(env.dv("seed"), "seed before up")
        # Not timed: the benchmark deleted the state record between its seeds (a first seed needs
        # none), so the first `up` finds no record of the running project, runs Compose and seeds
        # again (seconds) and writes the record. A user's `up` after `up` + `seed` has it.
        must(env.dv("up"), "up that restores the state record")
        out = []
        for _ in range(runs):
            r = env.dv("up")
            if r.code != 0:
                self.fail(f"{env.label} up (already up)", r)
                return None
            out.append(r.secs)
        return out


def med(v):
    return statistics.median(v) if v else None


def fmt_s(v):
    if v is None:
        return "-"
    return f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s"


def fmt_ratio(a, b):
    return "-" if a is None or b is None or b == 0 else f"{a / b:.2f}x"


def plot(b, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    kinds = [k for k in SIZES if any((k, n) in b.results for n in b.sizes.get(k, []))]
    fig, axes = plt.subplots(1, len(kinds), figsize=(4.2 * len(kinds), 4.2), squeeze=False)
    styles = {"bulk": ("bulk tool", "k", "o", "-"), "aws-cli": ("aws CLI processes", "0.6", "x", ":"),
              "before:seed": ("before: seed", "tab:red", "s", "--"), "before:again": ("before: unchanged re-seed", "tab:orange", "^", "--"),
              "before:reset": ("before: soft reset", "tab:pink", "v", "--"),
              "after:seed": ("after: seed", "tab:blue", "s", "-"), "after:again": ("after: unchanged re-seed", "tab:green", "^", "-"),
              "after:reset": ("after: soft reset", "tab:purple", "v", "-")}
    for ax, kind in zip(axes[0], kinds):
        for series, (label, color, marker, line) in styles.items():
            pts = [(n, med(b.results[(kind, n)].get(series))) for n in b.sizes.get(kind, []) if (kind, n) in b.results]
            pts = [(n, v) for n, v in pts if v]
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], line, color=color, marker=marker, label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(TITLES[kind], fontsize=10)
        ax.set_xlabel(UNIT[kind])
        ax.set_ylabel("seconds (median)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(f"devenv seed at scale vs bulk tools ({platform.node()}, {os.cpu_count()} cores)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def report(b, a, up):
    lines = ["# Seeds at scale", "",
             f"`bench/seed_scale.py` on {platform.node()} ({os.cpu_count()} cores, load average "
             f"{os.getloadavg()[0]:.1f} at the end), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
             f"Medians of {a.runs} runs ({a.big_runs} at the largest size of each kind); every devenv figure is the "
             "whole process. **before** = main as found (a second build), **after** = this tree; each drives its own "
             "containers (moto, PostgreSQL 17, Redis 8 stand-ins). After each seed and each reset the benchmark "
             "counts what the service holds with a client devenv does not use; any mismatch is listed under "
             "\"What failed\". To keep the run within the machine's time, main's soft reset is not measured at the "
             "largest size of each kind.", "",
             "Peak RSS is the devenv process's own ru_maxrss, reported by GNU time (it forks devenv from its own 1 MB image, so the figure is not inflated by the Python script's memory). The bulk tools: " +
             "; ".join(f"{TITLES[k]}: {BULK[k]}" for k in SIZES) + ". The DynamoDB, SSM and table scripts use "
             "botocore (the library the aws CLI runs on) in one process with one kept-alive connection; the "
             "`aws CLI` column is the CLI itself, one process per call, where that takes under a minute.", ""]
    for kind in SIZES:
        if not any((kind, n) in b.results for n in b.sizes.get(kind, [])):
            continue
        lines += [f"## {TITLES[kind]}", "",
                  f"| {UNIT[kind]} | {BULK[kind]} | aws CLI | before: seed | after: seed | after / bulk | "
                  "before: re-seed | after: re-seed | before: reset | after: reset | before RSS | after RSS |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for n in b.sizes.get(kind, []):
            r = b.results.get((kind, n), {})
            g = lambda s: med(r.get(s))
            rss = lambda s: "-" if not r.get(s) else f"{max(r[s]) / 1024:.0f} MB"
            lines.append(f"| {n:,} | {fmt_s(g('bulk'))} | {fmt_s(g('aws-cli'))} | {fmt_s(g('before:seed'))} | "
                         f"{fmt_s(g('after:seed'))} | {fmt_ratio(g('after:seed'), g('bulk'))} | "
                         f"{fmt_s(g('before:again'))} | {fmt_s(g('after:again'))} | {fmt_s(g('before:reset'))} | "
                         f"{fmt_s(g('after:reset'))} | {rss('before:rss')} | {rss('after:rss')} |")
        lines.append("")
    if up:
        lines += [f"## `devenv up` when already up (the {max(b.sizes['items']):,}-item seed declared)", "",
                  "| build | median | min | max |", "|---|---:|---:|---:|"]
        for label, v in up.items():
            if v:
                lines.append(f"| {label} | {fmt_s(med(v))} | {fmt_s(min(v))} | {fmt_s(max(v))} |")
        lines.append("")
    lines += [f"![time against size]({Path(a.out).with_suffix('.png').name})", ""]
    if b.failures:
        lines += ["## What failed", ""]
        for what, text in b.failures:
            lines += [f"- {what}", *(["", "  ```", *("  " + l for l in text.splitlines()), "  ```"] if text else []), ""]
    raw = {f"{k}:{n}": {s: [round(x, 4) if isinstance(x, float) else x for x in v] for s, v in r.items()}
           for (k, n), r in sorted(b.results.items())}
    lines += ["Raw: " + json.dumps({"results": raw, "up": up}), ""]
    return "\n".join(lines)


def write_results(b, a, up):
    text = report(b, a, up)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    try:
        plot(b, out.with_suffix(".png"))
    except ImportError as e:
        sys.exit(f"matplotlib is missing ({e}): apt-get install python3-matplotlib (scripts/install-deps.sh)")
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--big-runs", type=int, default=1, help="runs at the largest size of each kind")
    ap.add_argument("--devenv", default=str(ROOT / "build" / "devenv"))
    ap.add_argument("--before", default="", help="a devenv build of main as found (optional)")
    ap.add_argument("--kinds", default=",".join(SIZES))
    ap.add_argument("--quick", action="store_true", help="the small sizes only")
    ap.add_argument("--sizes", default="", help="e.g. items=100000;copy=1000000: only these sizes of those kinds")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "seed-scale.md"))
    a = ap.parse_args()
    b = Bench(a)
    b.sizes = {k: v for k, v in (QUICK if a.quick else SIZES).items() if k in a.kinds.split(",")}
    if a.sizes:
        b.sizes = {k: [int(n) for n in v.split(",")] for k, v in (p.split("=") for p in a.sizes.split(";"))}
    envs = [Env(b, "after", a.devenv)]
    if a.before:
        envs.insert(0, Env(b, "before", a.before))
    up = {}
    try:
        for env in envs:
            env.set_seed({})
            must(env.dv("up"), f"{env.label}: devenv up")
        for kind, sizes in b.sizes.items():
            for n in sizes:
                runs = a.big_runs if n == max(SIZES[kind]) else a.runs
                # The bulk tools' writes go to one build's services, then those are emptied; which
                # build's alternates with the size, so neither build's emulator always comes
                # second (moto is emptied by its reset API, not restarted).
                bulk_env = envs[(sizes.index(n) + 1) % len(envs)] if kind != "copy" else envs[-1]
                print(f"{kind} {n}: bulk tool (on {bulk_env.label}'s services)", file=sys.stderr, flush=True)
                b.bulk(bulk_env, kind, n, runs)
                b.devenv(envs, kind, n, runs)
                write_results(b, a, up)  # after every size: a run cut short still leaves its figures
        if "items" in b.sizes:
            for env in envs:
                up[env.label] = b.up_already(env)
    finally:
        for env in envs:
            env.down()
        shutil.rmtree(b.data, ignore_errors=True)
    text = write_results(b, a, up)
    print(text)
    if b.failures:
        sys.exit(1)


if __name__ == "__main__":
    main()

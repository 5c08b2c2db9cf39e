"""The projects in examples/: each loads, renders (with each of its overlays) and the rendered
file passes real `docker compose config`; the seed files they name exist."""
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run

EXAMPLES = sorted(p.parent.name for p in (ROOT / "examples").glob("*/devenv.yaml"))


def overlays(example):
    doc = yaml.safe_load((ROOT / "examples" / example / "devenv.yaml").read_text())
    return list((doc.get("overlays") or {}).keys())


def cases():
    out = []
    for e in EXAMPLES:
        out.append((e, None))
        for ov in overlays(e):
            out.append((e, ov))
    return out


def test_three_examples():
    assert EXAMPLES == ["aws-api", "event-platform", "web-product"]


@pytest.mark.parametrize("example,overlay", cases(), ids=lambda v: v or "base")
def test_example_renders_and_compose_accepts_it(tmp_path, compose, example, overlay):
    proj = tmp_path / example
    shutil.copytree(ROOT / "examples" / example, proj)
    args = ["render", "--project-name", f"ex-{example}", "-o", "compose.yaml"]
    if overlay:
        args += ["--overlay", overlay]
    r = run(args, cwd=proj)
    assert r.code == 0, r
    rendered = proj / "compose.yaml"
    p = subprocess.run([*compose, "-p", f"ex-{example}", "-f", str(rendered), "--project-directory", str(proj),
                        "config", "--quiet"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    doc = yaml.safe_load(rendered.read_text())
    # Build contexts and secret files resolve inside the project.
    for name, svc in doc["services"].items():
        build = svc.get("build")
        if build:
            ctx = build["context"] if isinstance(build, dict) else build
            assert (proj / ctx / "Dockerfile").exists(), f"{example}: {name}: no Dockerfile in {ctx}"
    for name, sec in (doc.get("secrets") or {}).items():
        if "file" in sec:
            assert (proj / sec["file"]).exists(), f"{example}: secret {name}: {sec['file']} missing"


def seed_files(node):
    """Every file path a seed declaration names (sql entries, *_file, files lists, objects_from)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("items_file", "config_file", "file", "objects_from") and isinstance(v, str):
                yield v
            elif k == "files" and isinstance(v, list):
                yield from (x for x in v if isinstance(x, str))
            elif k == "sql" and isinstance(v, list):
                yield from (x for x in v if isinstance(x, str))
                yield from seed_files([x for x in v if isinstance(x, dict)])
            else:
                yield from seed_files(v)
    elif isinstance(node, list):
        for x in node:
            yield from seed_files(x)


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_seed_files_exist(example):
    base = ROOT / "examples" / example
    doc = yaml.safe_load((base / "devenv.yaml").read_text())
    named = list(seed_files(doc.get("seed") or {}))
    for path in named:
        assert (base / path).exists(), f"{example}: seed names {path}, which is missing"


def test_aws_example_has_what_it_promises():
    r = run(["config", "--json"], cwd=ROOT / "examples" / "aws-api")
    assert r.code == 0, r
    import json
    seed = json.loads(r.out)["profile"]["seed"]["aws"]
    tables = seed["dynamodb"]["tables"]
    assert len(tables) >= 12
    assert sum(1 for t in tables if t.get("gsis")) >= 10
    assert sum(1 for t in tables if t.get("ttl")) >= 4
    queues = seed["sqs"]["queues"]
    assert sum(1 for q in queues if q.get("dead_letter")) >= 3
    targets = [t for b in seed["eventbridge"]["buses"] for rule in b["rules"] for t in rule["targets"]]
    assert any("queue" in t for t in targets)
    assert all(k.startswith("/acme/orders-api/") for k in seed["ssm"]["parameters"])
    pool = seed["cognito"]["user_pools"][0]
    assert {a["name"] for a in pool["custom_attributes"]} >= {"role", "tenantId"}


def test_event_platform_is_cdc():
    import json
    r = run(["config", "--json"], cwd=ROOT / "examples" / "event-platform")
    assert r.code == 0, r
    prof = json.loads(r.out)["profile"]
    assert prof["services"]["postgres"]["params"]["wal_level"] == "logical"
    assert prof["services"]["connect"]["template"] == "debezium-connect"
    cfg = json.loads((ROOT / "examples" / "event-platform" / "connectors" / "payments-cdc.json").read_text())
    assert cfg["connector.class"].endswith("PostgresConnector") and cfg["plugin.name"] == "pgoutput"

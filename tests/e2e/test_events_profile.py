"""The whole built-in `events` profile, as a user would run it, on every stand-in that exists:
PostgreSQL (logical replication), MongoDB's protocol (FerretDB), Kafka (KRaft), Kafka Connect
with Debezium, the Vault API (OpenBao) and Prometheus: `up` (every service ready by its probe,
the seed applied), a second `seed` all unchanged (but for the replica set FerretDB cannot
have, reported as drift), `status`, `env`, `reset`, `down`.

The project's devenv.yaml `extends: events` and only sets the stand-in images; what it leaves
out, it drops with the profile's own mechanism, a service set to null (`name: ~`, which also
drops the service's seed block and the `depends_on` entries naming it):
- `schema-registry`: there is no schema-registry stand-in (docs/standin-images.md, "No Schema
  Registry stand-in": Confluent's is not open source, Apicurio 3.x has no Confluent-compatible
  build here), so its `schema_registry` seed is dropped with it;
- `grafana`, `loki`, `tempo`: no package may be used for them here (Grafana, Loki and Tempo are
  AGPL); they stay rendered and `compose config`-checked only (test_render.py).
Prometheus's `scrape_targets` named those three, so `--set` gives it none (a list in a child
profile would be appended to, not replaced): it scrapes itself.

Checked with independent clients: kcat (topics, partitions), curl (Connect's connector status,
the Vault KV secrets with the root token, a Prometheus query), psql, mongosh (from the mongo
stand-in image on the host network)."""
import json
import subprocess
import time

import pytest
import yaml

from conftest import docker
from test_events_kafka import connect_get, topics
from test_events_misc import ROOT_TOKEN, check_seeded_mongo, check_seeded_vault, curl_json, mongo_state

IMAGES = {"postgres": "devenv-standin/postgres:17", "mongodb": "devenv-standin/mongo:7",
          "kafka": "devenv-standin/kafka:4", "connect": "devenv-standin/debezium-connect:3.6",
          "vault": "devenv-standin/vault:openbao", "prometheus": "devenv-standin/prometheus:2.53"}
DROPPED = ["schema-registry", "grafana", "loki", "tempo"]
PORTS = {"postgres": 5432, "mongodb": 27017, "kafka": 9092, "connect": 8083, "vault": 8200, "prometheus": 9090}
SETS = ["--set", "services.prometheus.with.scrape_targets=[]"]


@pytest.fixture
def events(make_env):
    missing = [i for i in IMAGES.values() if docker("image", "inspect", i).returncode != 0]
    if missing:
        pytest.fail(f"stand-in images missing: {', '.join(missing)}: run scripts/build-standin-images.sh")
    for tool in ("kcat", "curl", "psql"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode != 0:
            pytest.fail(f"missing client {tool}: run scripts/install-deps.sh")
    e = make_env(None, ports=PORTS, subdir="events-whole")
    services = {name: {"with": {"image": image}} for name, image in IMAGES.items()}
    services.update({name: None for name in DROPPED})
    (e.dir / "devenv.yaml").write_text(yaml.safe_dump({"name": "events-standins", "extends": "events",
                                                       "services": services}, sort_keys=False))
    return e


def dv(e, *args, timeout=300):
    return e.devenv(*args, "--project-name", e.name, "--port-offset", str(e.offset), *SETS, timeout=timeout)


def psql(e, sql):
    p = subprocess.run(["psql", "-X", "-At", "-h", "127.0.0.1", "-p", str(e.ports["postgres"]), "-U", "orders",
                        "-d", "orders", "-c", sql], capture_output=True, text=True, timeout=60,
                       env={"PGPASSWORD": "orders-dev", "PATH": "/usr/bin:/bin"})
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def check_declared(e):
    have = topics(e)
    assert have.get("orders.events") == 3 and have.get("customers.snapshots") == 1 and have.get("orders.dlq") == 1, have
    status = connect_get(e, "/connectors/orders-cdc/status")
    assert status["connector"]["state"] == "RUNNING", status
    assert status["tasks"] and all(t["state"] == "RUNNING" for t in status["tasks"]), status
    assert psql(e, "select string_agg(tablename, ',' order by tablename) from pg_tables "
                   "where schemaname = 'public'") == "orders,outbox"
    assert psql(e, "select count(*) from orders") == "0"
    assert psql(e, "select pubname from pg_publication") == "orders_cdc"
    check_seeded_vault(e)
    check_seeded_mongo(mongo_state(e))


def test_events_profile_whole_on_the_standins(events):
    e = events
    # What is rendered: the stand-ins' services, none of the dropped ones.
    r = dv(e, "config", "--json")
    assert r.code == 0, r
    assert sorted(json.loads(r.out)["profile"]["services"]) == sorted(IMAGES), r.out[:400]

    t0 = time.monotonic()
    r = dv(e, "up", timeout=900)
    up_secs = time.monotonic() - t0
    assert r.code == 0, r
    assert "seed done" in r.out, r

    st = dv(e, "status", "--json")
    assert st.code == 0, st
    doc = json.loads(st.out)
    assert {s["name"]: s["ready"] for s in doc["services"]} == {n: True for n in IMAGES}, doc
    probes = {s["name"]: s["probe"]["kind"] for s in doc["services"]}
    check_declared(e)

    # Prometheus answers a query; its one target (itself) is up.
    prom = f"http://127.0.0.1:{e.ports['prometheus']}"
    assert curl_json(f"{prom}/api/v1/query?query=up")["status"] == "success"
    targets = curl_json(f"{prom}/api/v1/targets")["data"]["activeTargets"]
    until = time.monotonic() + 60
    while not (targets and all(t["health"] == "up" for t in targets)) and time.monotonic() < until:
        time.sleep(1)
        targets = curl_json(f"{prom}/api/v1/targets")["data"]["activeTargets"]
    assert targets and all(t["health"] == "up" for t in targets), targets

    # A second seed: all unchanged.
    t1 = time.monotonic()
    r = dv(e, "seed", "--json")
    seed2_secs = time.monotonic() - t1
    assert r.code == 0, r
    sdoc = json.loads(r.out)
    outcomes = {(x["service"], x["kind"], x["resource"]): x["outcome"] for x in sdoc["resources"]}
    # FerretDB implements no replica-set commands: the seed reports the declared `replica_set`
    # as drift, every run (docs/standin-images.md); everything else is unchanged.
    not_unchanged = {k: v for k, v in outcomes.items() if v != "unchanged"}
    assert not_unchanged == {("mongodb", "mongodb", "replica set rs0"): "drift"}, not_unchanged
    assert {x["service"] for x in sdoc["resources"]} == {"postgres", "mongodb", "kafka", "connect", "vault"}

    # env: the profile's exports and the services' own, nothing of the dropped services.
    r = dv(e, "env", "--format", "json")
    assert r.code == 0, r
    env = json.loads(r.out)["variables"]
    assert env["ORDERS_TOPIC"] == "orders.events" and env["CDC_TOPIC_PREFIX"] == "cdc", env
    assert not [k for k in env if any(d.replace("-", "_").upper() in k for d in DROPPED)], sorted(env)

    # Application writes, then a reset: back to the declared state, the connector RUNNING.
    psql(e, "insert into orders (id, customer_id, status, total_cents) values "
            "('00000000-0000-0000-0000-000000000001', 'c-1', 'PLACED', 100)")
    curl_json(f"http://127.0.0.1:{e.ports['vault']}/v1/secret/data/orders/api", ROOT_TOKEN, method="POST",
              body={"data": {"db_password": "changed-by-app"}})
    t2 = time.monotonic()
    r = dv(e, "reset", timeout=600)
    reset_secs = time.monotonic() - t2
    assert r.code == 0, r
    until = time.monotonic() + 120
    while True:
        try:
            check_declared(e)
            break
        except AssertionError:
            if time.monotonic() > until:
                raise
            time.sleep(2)
    settle_secs = time.monotonic() - t2 - reset_secs

    r = dv(e, "down")
    assert r.code == 0, r
    assert e.containers() == {}
    print(f"events on stand-ins: up {up_secs:.0f} s (probes {probes}), second seed {seed2_secs:.1f} s, "
          f"reset {reset_secs:.1f} s (+{settle_secs:.1f} s until the connector runs again)")

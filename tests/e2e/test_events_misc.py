"""The non-JVM services of the `events` profile on real software: MongoDB's wire protocol
(FerretDB, devenv-standin/mongo:7), the Vault API (OpenBao, devenv-standin/vault:openbao) and
Prometheus (devenv-standin/prometheus:2.53), with PostgreSQL beside them, seeded with the
events profile's own mongodb and vault declarations. Checked with clients devenv does not
contain: mongosh (run from the mongo stand-in image on the host's network), curl (Vault's and
Prometheus's HTTP APIs) and psql."""
import json
import os
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, docker

IMAGES = {"postgres": "devenv-standin/postgres:17", "mongodb": "devenv-standin/mongo:7",
          "vault": "devenv-standin/vault:openbao", "prometheus": "devenv-standin/prometheus:2.53"}
PORTS = {"postgres": 5432, "mongodb": 27017, "vault": 8200, "prometheus": 9090}
ROOT_TOKEN = "root"  # the vault template's default dev root token (a known, non-secret value)


def events_seed():
    """The mongodb, vault and postgres declarations of the built-in events profile, as they are."""
    seed = yaml.safe_load((ROOT / "profiles" / "events.yaml").read_text())["seed"]
    return {k: seed[k] for k in ("postgres", "mongodb", "vault")}


def write_profile(folder):
    seed = events_seed()
    profile = {
        "name": "events-misc",
        "variables": {"ORDERS_DB_PASSWORD": "orders-dev"},
        "services": {
            "postgres": {"template": "postgres",
                         "with": {"wal_level": "logical", "user": "orders", "password": "${ORDERS_DB_PASSWORD}",
                                  "database": "orders", "image": IMAGES["postgres"]}},
            "mongodb": {"template": "mongodb", "with": {"image": IMAGES["mongodb"]}},
            "vault": {"template": "vault", "with": {"image": IMAGES["vault"]}},
            # loki is not running here: its target must be down, the running ones up.
            "prometheus": {"template": "prometheus",
                           "with": {"image": IMAGES["prometheus"], "scrape_interval": "1s",
                                    "scrape_targets": ["prometheus:9090", "loki:3100"]}},
        },
        "seed": seed,
    }
    # The seed's SQL writes PL/pgSQL's $$ as $$$$ (profile interpolation); yaml.dump keeps it.
    (folder / "devenv.yaml").write_text(yaml.safe_dump(profile, sort_keys=False))


@pytest.fixture
def env(make_env):
    missing = [i for i in IMAGES.values() if docker("image", "inspect", i).returncode != 0]
    if missing:
        pytest.fail(f"stand-in images missing: {', '.join(missing)}: run scripts/build-standin-images.sh")
    e = make_env(None, ports=PORTS, subdir="events-misc")
    write_profile(e.dir)
    return e


def dv(e, *args, timeout=300):
    return e.devenv(*args, "--project-name", e.name, "--port-offset", str(e.offset), timeout=timeout)


def mongosh(e, script):
    """mongosh 2.12 from the stand-in image, on the host's network, against the published port."""
    p = subprocess.run(["docker", "run", "--rm", "--network", "host", "--entrypoint", "mongosh", IMAGES["mongodb"],
                        "--quiet", "--norc", f"mongodb://127.0.0.1:{e.ports['mongodb']}/?directConnection=true",
                        "--eval", f"print(JSON.stringify((() => {{ {script} }})()))"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr + p.stdout
    return json.loads(p.stdout.strip().splitlines()[-1])


def mongo_state(e):
    return mongosh(e, """
      const q = db.getSiblingDB("queries");
      const out = {};
      for (const c of q.getCollectionNames().sort())
        out[c] = {count: q.getCollection(c).countDocuments({}),
                  indexes: q.getCollection(c).getIndexes().map((i) => ({name: i.name, key: i.key, unique: !!i.unique}))};
      return out;""")


def curl_json(url, token=None, method="GET", body=None):
    """curl, the token passed on stdin as a header file (never in argv)."""
    args = ["curl", "-sS", "--fail-with-body", "--noproxy", "*", "-X", method, url]
    if token is not None:
        args[1:1] = ["-H", "@-"]
    if body is not None:
        args += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(body)]
    p = subprocess.run(args, input=f"X-Vault-Token: {token}\n" if token is not None else None,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr + p.stdout
    return json.loads(p.stdout) if p.stdout.strip() else None


def vault_kv(e, path):
    return curl_json(f"http://127.0.0.1:{e.ports['vault']}/v1/secret/data/{path}", ROOT_TOKEN)["data"]


def psql(e, sql):
    p = subprocess.run(["psql", "-X", "-At", "-h", "127.0.0.1", "-p", str(e.ports["postgres"]), "-U", "orders",
                        "-d", "orders", "-c", sql], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "PGPASSWORD": "orders-dev"})
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def seed_summary(r):
    doc = json.loads(r.out)
    return doc, {s["name"]: s for s in doc["services"]}


def resources(doc, service):
    return {x["resource"]: x for x in doc["resources"] if x["service"] == service}


RS_WARNING = ("the server implements no replica-set commands (CommandNotFound: no such command: 'replSetGetStatus'); "
              "it reports set rs0 in hello: change streams, transactions and rs.initiate are unavailable")


def check_seeded_mongo(state):
    assert sorted(state) == ["customer_views", "order_views"], state
    assert {"name": "by_customer", "key": {"customerId": 1, "createdAt": -1}, "unique": False} in state["order_views"]["indexes"]
    assert {"name": "by_email", "key": {"email": 1}, "unique": True} in state["customer_views"]["indexes"]
    assert all(c["count"] == 0 for c in state.values()), state


def check_seeded_vault(e):
    declared = events_seed()["vault"]["vault"]["kv"]["secrets"]
    for path, data in declared.items():
        assert vault_kv(e, path)["data"] == data, path


def test_events_misc_up_seed_status_env_reset_down(env):
    e = env
    t0 = time.monotonic()
    r = dv(e, "up", timeout=400)
    up_secs = time.monotonic() - t0
    print(f"up (4 services, seed included): {up_secs:.1f} s\n{r.out}")
    assert r.code == 0, r
    assert "seed done" in r.out, r

    # Every service answers its devenv probe, and its own Compose healthcheck (mongosh's
    # rs.status() falling back to hello, `vault status`, wget /-/ready) says healthy.
    st = dv(e, "status", "--json")
    assert st.code == 0, st
    doc = json.loads(st.out)
    services = {s["name"]: s for s in doc["services"]}
    assert set(services) == set(PORTS)
    for name, s in services.items():
        assert s["ready"] is True, (name, s)
    deadline = time.monotonic() + 60
    while True:
        health = {svc: c["State"].get("Health", {}).get("Status") for svc, c in e.containers().items()}
        if all(h == "healthy" for h in health.values()) or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert health == {k: "healthy" for k in PORTS}, health
    ids = {svc: c["Id"] for svc, c in e.containers().items()}

    # The seed on the real servers, seen by independent clients.
    check_seeded_mongo(mongo_state(e))
    check_seeded_vault(e)
    assert psql(e, "select pubname from pg_publication") == "orders_cdc"

    # A second seed changes nothing: every resource unchanged, but for the replica set, which
    # FerretDB cannot be and which the seed reports (drift, not a failure) every time.
    r = dv(e, "seed", "--json")
    assert r.code == 0, r
    doc, summary = seed_summary(r)
    for name in ("mongodb", "vault", "postgres"):
        s = summary[name]
        assert (s["created"], s["updated"], s["removed"], s["failed"]) == (0, 0, 0, 0), s
    assert summary["vault"]["unchanged"] == 2 and summary["vault"]["drift"] == 0
    mongo = resources(doc, "mongodb")
    assert mongo["replica set rs0"]["outcome"] == "drift"
    assert mongo["replica set rs0"]["detail"] == RS_WARNING
    assert {k: v["outcome"] for k, v in mongo.items() if k != "replica set rs0"} == {
        "collection queries.order_views": "unchanged", "index queries.order_views.by_customer": "unchanged",
        "collection queries.customer_views": "unchanged", "index queries.customer_views.by_email": "unchanged"}
    assert summary["mongodb"]["drift"] == 1

    # The warning in the text output too.
    r = dv(e, "seed")
    assert r.code == 0, r
    assert "replica set rs0" in r.out and "no replica-set commands" in r.out, r

    # status (text) and env.
    r = dv(e, "status")
    assert r.code == 0 and "all services ready" in r.out, r
    r = dv(e, "env", "--format", "json")
    assert r.code == 0, r
    v = json.loads(r.out)["variables"]
    assert v["MONGODB_URL"] == f"mongodb://localhost:{e.ports['mongodb']}/?directConnection=true", v
    assert v["MONGODB_REPLICA_SET"] == "rs0"
    assert v["VAULT_ADDR"] == f"http://localhost:{e.ports['vault']}" and v["VAULT_TOKEN"] == ROOT_TOKEN, v
    assert v["PROMETHEUS_URL"] == f"http://localhost:{e.ports['prometheus']}", v

    # Prometheus answers a query, and lists its targets: itself twice up, loki down.
    prom = f"http://127.0.0.1:{e.ports['prometheus']}"
    deadline = time.monotonic() + 60
    while True:
        targets = curl_json(f"{prom}/api/v1/targets")["data"]["activeTargets"]
        by = {(t["labels"]["job"], t["labels"]["instance"]): t for t in targets}
        if all(by.get(k, {}).get("health") in ("up", "down") for k in
               [("prometheus", "localhost:9090"), ("devenv", "prometheus:9090"), ("devenv", "loki:3100")]) \
                or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert by[("prometheus", "localhost:9090")]["health"] == "up", by
    assert by[("devenv", "prometheus:9090")]["health"] == "up", by
    assert by[("devenv", "loki:3100")]["health"] == "down", by
    q = curl_json(f"{prom}/api/v1/query?query=up")
    assert q["status"] == "success"
    up = {(s["metric"]["job"], s["metric"]["instance"]): s["value"][1] for s in q["data"]["result"]}
    assert up[("prometheus", "localhost:9090")] == "1" and up[("devenv", "prometheus:9090")] == "1", up

    # Change mongodb, vault and postgres by hand; reset mongodb and vault only.
    mongosh(e, """
      const q = db.getSiblingDB("queries");
      q.order_views.insertOne({customerId: "c1", createdAt: new Date()});
      q.customer_views.dropIndex("by_email");
      q.createCollection("scratch");
      return 1;""")
    vault = f"http://127.0.0.1:{e.ports['vault']}"
    curl_json(f"{vault}/v1/secret/data/orders/api", ROOT_TOKEN, "POST", {"data": {"db_password": "changed"}})
    assert vault_kv(e, "orders/api")["data"] == {"db_password": "changed"}
    psql(e, "insert into orders (id, customer_id, status, total_cents) values (gen_random_uuid(), 'c1', 'PLACED', 100)")
    prom_started = e.containers()["prometheus"]["State"]["StartedAt"]

    t0 = time.monotonic()
    r = dv(e, "reset", "mongodb", "vault", "--json")
    print(f"reset mongodb vault: {time.monotonic() - t0:.1f} s")
    assert r.code == 0, r
    doc, summary = seed_summary(r)
    assert set(summary) == {"mongodb", "vault"}, summary
    assert resources(doc, "mongodb")["database queries"]["outcome"] == "removed"
    check_seeded_mongo(mongo_state(e))
    check_seeded_vault(e)
    assert vault_kv(e, "orders/api")["metadata"]["version"] == 1  # every version deleted, then written again
    # Left alone: postgres keeps the hand-made row, prometheus was not restarted, no container
    # was recreated.
    assert psql(e, "select count(*) from orders") == "1"
    after = e.containers()
    assert {svc: c["Id"] for svc, c in after.items()} == ids
    assert after["prometheus"]["State"]["StartedAt"] == prom_started

    # down: the containers go; --volumes takes the named volumes too.
    r = dv(e, "down", "--volumes")
    assert r.code == 0, r
    assert e.containers() == {}
    assert e.volumes() == []

"""The JVM half of the built-in `events` profile on real software: Apache Kafka 4.1 (KRaft), Kafka
Connect 4.3 with Debezium 3.6's PostgreSQL connector, and PostgreSQL with logical replication, on
the stand-in images of scripts/standin/jvm and data. The profile is the `events` profile's own
services and seeds (read from profiles/events.yaml), less the services that have no stand-in here.
Checked with independent clients: kcat, Kafka's own kafka-configs.sh/kafka-topics.sh inside the
broker's container, curl against Connect's REST API, psql."""
import json
import shutil
import subprocess
import time
import uuid

import pytest
import yaml

from conftest import ROOT, docker
from test_lifecycle import psql

KAFKA_IMAGE = "devenv-standin/kafka:4"
CONNECT_IMAGE = "devenv-standin/debezium-connect:3.6"
PG_IMAGE = "devenv-standin/postgres:17"
PORTS = {"postgres": 5432, "kafka": 9092, "connect": 8083}
IMAGES = {"postgres": PG_IMAGE, "kafka": KAFKA_IMAGE, "connect": CONNECT_IMAGE}
PG = dict(user="orders", password="orders-dev", db="orders")


def events_subset(services=("postgres", "kafka", "connect")):
    """profiles/events.yaml's services, seeds, variables and exports for `services`, on the
    stand-in images."""
    src = yaml.safe_load((ROOT / "profiles" / "events.yaml").read_text())
    out = {"name": "events-jvm", "variables": src.get("variables", {}), "services": {}, "seed": {},
           "exports": src.get("exports", {})}
    for name in services:
        svc = dict(src["services"][name])
        svc["with"] = {**svc.get("with", {}), "image": IMAGES[name]}
        if isinstance(svc.get("depends_on"), dict):
            svc["depends_on"] = {k: v for k, v in svc["depends_on"].items() if k in services}
        out["services"][name] = svc
        if name in src.get("seed", {}):
            out["seed"][name] = src["seed"][name]
    return out


@pytest.fixture(scope="module")
def tools():
    missing = [t for t in ("kcat", "curl", "psql") if not shutil.which(t)]
    if missing:
        pytest.fail(f"missing clients {missing}: run scripts/install-deps.sh")
    missing = [i for i in IMAGES.values() if docker("image", "inspect", i).returncode != 0]
    if missing:
        pytest.fail(f"stand-in images missing: {', '.join(missing)}: run scripts/build-standin-images.sh")


@pytest.fixture
def events(make_env, tools):
    e = make_env(None, ports=PORTS)
    (e.dir / "devenv.yaml").write_text(yaml.safe_dump(events_subset(), sort_keys=False))
    return e


def up(e, *extra, timeout=600):
    return e.devenv("up", "--project-name", e.name, "--port-offset", str(e.offset), *extra, timeout=timeout)


def seed_doc(e, *args, timeout=300):
    """`seed`/`reset` print one JSON document."""
    r = e.devenv(*args, "--json", timeout=timeout)
    return r, (json.loads(r.out) if r.out.strip() else None)


def failures(r, doc):
    """What a failed seed or reset says, for assertion messages."""
    bad = [x for x in (doc or {}).get("resources", []) if x["outcome"] == "failed"]
    return f"exit {r.code}: {bad} {r.err[-800:]}"


def outcomes(doc, service=None):
    return {(x["kind"], x["resource"]): x["outcome"] for x in doc["resources"]
            if service is None or x["service"] == service}


def kcat(*args, timeout=60):
    p = subprocess.run(["kcat", *args], capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, p
    return p.stdout


def topics(e):
    """{topic: partitions} from kcat's metadata listing (JSON)."""
    meta = json.loads(kcat("-b", f"127.0.0.1:{e.ports['kafka']}", "-L", "-J"))
    return {t["topic"]: len(t["partitions"]) for t in meta["topics"]}


def records(e, topic, timeout=30):
    """Every record of a topic from the beginning (kcat exits at the end of each partition)."""
    out = kcat("-b", f"127.0.0.1:{e.ports['kafka']}", "-C", "-t", topic, "-o", "beginning", "-e", "-q",
               "-f", "%s\\n", timeout=timeout)
    return [l for l in out.splitlines() if l.strip()]


def kafka_exec(e, *args):
    """Kafka's own tools inside the broker's container (the internal listener)."""
    cname = e.containers()["kafka"]["Name"].lstrip("/")
    p = docker("exec", cname, *args, "--bootstrap-server", "localhost:29092", timeout=120)
    assert p.returncode == 0, p
    return p.stdout


def topic_config(e, topic):
    out = kafka_exec(e, "/opt/kafka/bin/kafka-configs.sh", "--describe", "--entity-type", "topics",
                     "--entity-name", topic)
    # "Dynamic configs for topic T are:\n  cleanup.policy=compact sensitive=false synonyms={...}"
    conf = {}
    for line in out.splitlines()[1:]:
        kv = line.strip().split(" ", 1)[0]
        if "=" in kv:
            k, v = kv.split("=", 1)
            conf[k] = v
    return conf


def connect_get(e, path):
    p = subprocess.run(["curl", "-fsS", f"http://127.0.0.1:{e.ports['connect']}{path}"], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 0, p
    return json.loads(p.stdout)


def wait_for(pred, secs, what):
    until = time.monotonic() + secs
    last = None
    while time.monotonic() < until:
        last = pred()
        if last:
            return last
        time.sleep(0.5)
    raise AssertionError(f"{what} not seen within {secs} s (last: {last!r})")


def cdc_events(e, order_id, op=None):
    """Debezium change events for the orders row `order_id` (JSON converter: schema + payload)."""
    topic = "cdc.public.orders"
    if topic not in topics(e):
        return []
    out = []
    for line in records(e, topic):
        try:
            payload = json.loads(line)["payload"]
        except (ValueError, KeyError, TypeError):
            continue
        after = (payload or {}).get("after") or {}
        if after.get("id") == order_id and (op is None or payload.get("op") == op):
            out.append(payload)
    return out


def insert_order(e):
    oid = str(uuid.uuid4())
    psql(e.ports["postgres"], f"insert into orders (id, customer_id, status, total_cents) "
         f"values ('{oid}', 'c-1', 'PLACED', 1299)", **PG)
    return oid


def test_events_jvm_up_seed_cdc_reset_down(events):
    e = events
    t0 = time.monotonic()
    r = up(e)
    assert r.code == 0, r
    up_secs = time.monotonic() - t0

    # Every service ready by its probe.
    st = e.devenv("status", "--json")
    assert st.code == 0, st
    doc = json.loads(st.out)
    assert {s["name"]: s["ready"] for s in doc["services"]} == {"postgres": True, "kafka": True, "connect": True}, doc
    assert {s["name"]: s["probe"]["kind"] for s in doc["services"]}["kafka"] == "kafka"

    # Topics with partitions (kcat) and configs (kafka-configs.sh).
    have = topics(e)
    assert have["orders.events"] == 3 and have["customers.snapshots"] == 1 and have["orders.dlq"] == 1, have
    assert topic_config(e, "customers.snapshots").get("cleanup.policy") == "compact"
    assert topic_config(e, "orders.dlq").get("retention.ms") == "604800000"

    # The connector and its task RUNNING on Connect's REST API.
    status = connect_get(e, "/connectors/orders-cdc/status")
    assert status["connector"]["state"] == "RUNNING", status
    assert status["tasks"] and all(t["state"] == "RUNNING" for t in status["tasks"]), status

    # A row inserted into a seeded table arrives as a change event within seconds.
    oid = insert_order(e)
    t1 = time.monotonic()
    ev = wait_for(lambda: cdc_events(e, oid), 30, f"the change event of order {oid}")
    assert ev[0]["op"] == "c" and ev[0]["after"]["total_cents"] == 1299, ev
    cdc_secs = time.monotonic() - t1
    print(f"up {up_secs:.1f} s; change event after {cdc_secs:.1f} s")

    # A second seed changes nothing.
    r, doc = seed_doc(e, "seed")
    assert r.code == 0, r
    assert set(outcomes(doc).values()) == {"unchanged"}, doc

    # env exports the broker and Connect for the host.
    env = e.devenv("env", "--format", "dotenv")
    assert env.code == 0, env
    assert f"KAFKA_BOOTSTRAP_SERVERS=localhost:{e.ports['kafka']}" in env.out or \
        f"KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:{e.ports['kafka']}" in env.out, env.out
    assert f":{e.ports['connect']}" in env.out and "ORDERS_TOPIC=orders.events" in env.out, env.out

    # Application records and config drift, then a reset of kafka and connect only.
    bootstrap = f"127.0.0.1:{e.ports['kafka']}"
    p = subprocess.run(["kcat", "-b", bootstrap, "-P", "-t", "orders.events"], input="a\nb\nc\n", text=True,
                       capture_output=True, timeout=60)
    assert p.returncode == 0, p
    assert len(records(e, "orders.events")) == 3
    kafka_exec(e, "/opt/kafka/bin/kafka-configs.sh", "--alter", "--entity-type", "topics", "--entity-name",
               "orders.dlq", "--add-config", "retention.ms=1000")
    kafka_exec(e, "/opt/kafka/bin/kafka-topics.sh", "--create", "--topic", "scratch", "--partitions", "1")

    # A reset of Kafka alone: application records gone, declared configs back, undeclared topics
    # deleted, but the connector's own output topic only emptied (Connect would not create it
    # again), so the connector goes on streaming; PostgreSQL and Connect untouched.
    r, doc = seed_doc(e, "reset", "kafka", timeout=400)
    assert r.code == 0, failures(r, doc)
    assert {x["service"] for x in doc["resources"]} == {"kafka"}, doc
    have = topics(e)
    assert "scratch" not in have and have["orders.events"] == 3 and "cdc.public.orders" in have, have
    assert records(e, "orders.events") == [] and records(e, "cdc.public.orders") == []
    assert topic_config(e, "orders.dlq").get("retention.ms") == "604800000"
    oid_b = insert_order(e)
    wait_for(lambda: cdc_events(e, oid_b, op="c"), 30, f"the change event of order {oid_b} after a Kafka reset")
    assert cdc_events(e, oid) == []  # no snapshot: Connect kept its offsets

    # Kafka and Connect together: PostgreSQL left alone (its rows stay), Debezium snapshots them again.
    r, doc = seed_doc(e, "reset", "kafka", "connect", timeout=400)
    assert r.code == 0, failures(r, doc)
    assert {x["service"] for x in doc["resources"]} == {"kafka", "connect"}, doc
    assert psql(e.ports["postgres"], f"select count(*) from orders where id in ('{oid}', '{oid_b}')", **PG) == "2"
    wait_for(lambda: cdc_events(e, oid, op="r") and cdc_events(e, oid_b, op="r"), 60,
             f"snapshot events of orders {oid} and {oid_b} after the reset")
    status = connect_get(e, "/connectors/orders-cdc/status")
    assert status["connector"]["state"] == "RUNNING" and all(t["state"] == "RUNNING" for t in status["tasks"]), status
    # Streaming goes on after the reset.
    oid2 = insert_order(e)
    wait_for(lambda: cdc_events(e, oid2, op="c"), 30, f"the change event of order {oid2} after the reset")

    # A whole reset: PostgreSQL back to the seeded (empty) tables, the connector streaming again.
    r, doc = seed_doc(e, "reset", timeout=400)
    assert r.code == 0, failures(r, doc)
    # PostgreSQL's reset restores the seed's own baseline: the application's orders all go, even
    # `oid`, which was in when the second (unchanged) `devenv seed` above ran.
    assert psql(e.ports["postgres"], "select count(*) from orders", **PG) == "0"
    oid3 = insert_order(e)
    wait_for(lambda: cdc_events(e, oid3, op="c"), 60, f"the change event of order {oid3} after a full reset")

    d = e.devenv("down", "--volumes")
    assert d.code == 0, d
    assert e.containers() == {}


def test_kafka_seeder_against_a_real_broker(make_env, tools):
    """Topics in one request, partitions grown, config drift reported and corrected, --force."""
    e = make_env(None, ports={"kafka": 9092})
    prof = {"name": "kafka-only", "services": {"kafka": {"template": "kafka", "with": {"image": KAFKA_IMAGE}}},
            "seed": {"kafka": {"kafka": {"topics": [
                {"name": f"t{i:02d}", "partitions": 2, "configs": {"retention.ms": "3600000"}} for i in range(20)]}}}}
    (e.dir / "devenv.yaml").write_text(yaml.safe_dump(prof, sort_keys=False))
    r = up(e, timeout=400)
    assert r.code == 0, r
    have = topics(e)
    assert all(have.get(f"t{i:02d}") == 2 for i in range(20)), have
    assert topic_config(e, "t07").get("retention.ms") == "3600000"

    # Partitions grown, drift reported and corrected, a removal of partitions refused as drift.
    prof["seed"]["kafka"]["kafka"]["topics"][0]["partitions"] = 4
    prof["seed"]["kafka"]["kafka"]["topics"][2]["partitions"] = 1
    (e.dir / "devenv.yaml").write_text(yaml.safe_dump(prof, sort_keys=False))
    kafka_exec(e, "/opt/kafka/bin/kafka-configs.sh", "--alter", "--entity-type", "topics", "--entity-name",
               "t01", "--add-config", "retention.ms=5000,cleanup.policy=compact")
    r, doc = seed_doc(e, "seed")
    got = outcomes(doc)
    assert got[("kafka", "topic t00")] == "drift", doc
    assert got[("kafka", "topic t01")] == "drift", doc
    assert got[("kafka", "topic t02")] == "drift", doc
    assert got[("kafka", "topic t03")] == "unchanged", doc
    details = {x["resource"]: x.get("detail", "") for x in doc["resources"]}
    assert "2 -> 4" in details["topic t00"] and "retention.ms was 5000" in details["topic t01"], details
    assert "cannot remove partitions" in details["topic t02"], details
    assert topics(e)["t00"] == 4
    conf = topic_config(e, "t01")
    # Declared configs corrected; a config the seed does not declare is kept.
    assert conf.get("retention.ms") == "3600000" and conf.get("cleanup.policy") == "compact", conf

    # --force recreates: records gone, declared partitions.
    p = subprocess.run(["kcat", "-b", f"127.0.0.1:{e.ports['kafka']}", "-P", "-t", "t02"], input="x\n",
                       text=True, capture_output=True, timeout=60)
    assert p.returncode == 0, p
    r, doc = seed_doc(e, "seed", "--force")
    assert r.code == 0, r
    assert outcomes(doc)[("kafka", "topic t02")] == "updated", doc
    # (The broker's metadata may lag the recreation by a moment.)
    wait_for(lambda: topics(e).get("t02") == 1, 15, "t02 recreated with 1 partition")
    assert records(e, "t02") == []


def test_seed_waits_a_bounded_time_for_a_broker_that_does_not_answer(make_env, tools):
    """The broker's container runs and its port accepts connections (docker-proxy, the kernel's
    backlog), but the broker answers nothing: its JVM is stopped (SIGSTOP from the host)."""
    e = make_env(None, ports={"kafka": 9092})
    prof = {"name": "kafka-down", "services": {"kafka": {"template": "kafka", "with": {"image": KAFKA_IMAGE}}},
            "seed": {"kafka": {"kafka": {"topics": [{"name": "a", "partitions": 1}]}}}}
    (e.dir / "devenv.yaml").write_text(yaml.safe_dump(prof, sort_keys=False))
    r = up(e, timeout=400)
    assert r.code == 0, r
    pid = str(e.containers()["kafka"]["State"]["Pid"])
    subprocess.run(["kill", "-STOP", pid], check=True)
    try:
        t0 = time.monotonic()
        r = e.devenv("seed", timeout=200)
        secs = time.monotonic() - t0
    finally:
        subprocess.run(["kill", "-CONT", pid], check=True)
    assert r.code == 5, r
    text = r.out + r.err
    assert f"Kafka at 127.0.0.1:{e.ports['kafka']}" in text or f"Kafka at localhost:{e.ports['kafka']}" in text, r
    assert secs < 60, f"seed took {secs:.0f} s against a broker that does not answer"
    # Once it answers again, the same seed goes through.
    r = e.devenv("seed", timeout=200)
    assert r.code == 0, r


def test_a_connector_that_connect_rejects_exits_5_with_connects_message(events):
    e = events
    prof = yaml.safe_load((e.dir / "devenv.yaml").read_text())
    prof["seed"]["connect"]["connect"]["connectors"].append(
        {"name": "broken", "config": {"connector.class": "io.debezium.connector.postgresql.PostgresConnector",
                                      "database.hostname": "postgres", "topic.prefix": "x",
                                      "plugin.name": "no-such-decoder"}})
    (e.dir / "devenv.yaml").write_text(yaml.safe_dump(prof, sort_keys=False))
    r = up(e)
    assert r.code == 5, r
    text = r.out + r.err
    # Connect's own validation message (its PUT answers 500 with a NullPointerException here; devenv
    # then asks the plugin's validate endpoint).
    assert "connector broken" in text and "Value must be one of decoderbufs, pgoutput" in text, r
    assert connect_get(e, "/connectors/orders-cdc/status")["connector"]["state"] == "RUNNING"

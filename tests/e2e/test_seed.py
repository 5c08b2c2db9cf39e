"""Seed and reset end to end on real containers: the built-in `aws` profile (moto standing in
for LocalStack, with the cognito overlay) and `web` profile (PostgreSQL + PostGIS, Redis, moto
standing in for MinIO's S3 API), checked with independent clients (aws, psql, redis-cli).
A second seed changes nothing; reset restores exactly the seeded state; failures exit 5 and a
rerun finishes the job; remote endpoints are refused."""
import json
import re
import time

from conftest import ROOT
from test_lifecycle import aws, psql, redis, sh


def up_seeded(e, profile, *extra):
    """`devenv up` with seeding (the lifecycle tests use --no-seed)."""
    args = ["up", profile, *e.base_args, "--project-name", e.name, "--port-offset", str(e.offset), *extra]
    return e.devenv(*args, timeout=400)


def seed_json(e, *args):
    r = e.devenv(*args, "--json")
    doc = json.loads(r.out) if r.out.strip() else None
    return r, doc


def outcomes(doc, service=None):
    return {(x["kind"], x["resource"]): x["outcome"] for x in doc["resources"]
            if service is None or x["service"] == service}


def scan_count(port, table):
    return json.loads(aws(port, "dynamodb", "scan", "--table-name", table, "--select", "COUNT"))["Count"]


def test_aws_seed_creates_everything_then_a_second_run_changes_nothing(make_env):
    e = make_env("aws")
    r = up_seeded(e, "aws", "--overlay", "cognito")
    assert r.code == 0, r
    assert "seed done" in r.out, r
    p = e.ports["aws"]

    # DynamoDB: tables, keys, GSIs, TTL, items inline and from a JSON-lines file.
    tables = json.loads(aws(p, "dynamodb", "list-tables"))["TableNames"]
    assert {"acme-orders", "acme-customers", "acme-products", "acme-sessions"} <= set(tables)
    orders = json.loads(aws(p, "dynamodb", "describe-table", "--table-name", "acme-orders"))["Table"]
    assert [k["AttributeName"] for k in orders["KeySchema"]] == ["pk", "sk"]
    assert [g["IndexName"] for g in orders["GlobalSecondaryIndexes"]] == ["gsi1"]
    ttl = json.loads(aws(p, "dynamodb", "describe-time-to-live", "--table-name", "acme-orders"))
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expiresAt"
    assert scan_count(p, "acme-orders") == 2
    products = [l for l in (ROOT / "profiles/aws/products.jsonl").read_text().splitlines() if l.strip()]
    assert scan_count(p, "acme-products") == len(products)
    customers = json.loads(aws(p, "dynamodb", "describe-table", "--table-name", "acme-customers"))["Table"]
    by_tenant = {g["IndexName"]: g for g in customers["GlobalSecondaryIndexes"]}["by-tenant"]
    assert by_tenant["Projection"]["ProjectionType"] == "INCLUDE"
    assert sorted(by_tenant["Projection"]["NonKeyAttributes"]) == ["email", "name"]

    # SQS: dead-letter queues wired by redrive policy, FIFO.
    url = json.loads(aws(p, "sqs", "get-queue-url", "--queue-name", "orders-events"))["QueueUrl"]
    attrs = json.loads(aws(p, "sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All"))["Attributes"]
    redrive = json.loads(attrs["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"].endswith(":orders-events-dlq")
    assert int(redrive["maxReceiveCount"]) == 5
    assert attrs["VisibilityTimeout"] == "30"
    fifo = json.loads(aws(p, "sqs", "get-queue-url", "--queue-name", "payments.fifo"))["QueueUrl"]
    fattrs = json.loads(aws(p, "sqs", "get-queue-attributes", "--queue-url", fifo, "--attribute-names", "All"))["Attributes"]
    assert fattrs["FifoQueue"] == "true" and fattrs["ContentBasedDeduplication"] == "true"

    # SSM: every type.
    jwt = json.loads(aws(p, "ssm", "get-parameter", "--name", "/acme/api/jwt/secret", "--with-decryption"))["Parameter"]
    assert jwt["Type"] == "SecureString" and jwt["Value"] == "dev-only-jwt-secret"
    origins = json.loads(aws(p, "ssm", "get-parameter", "--name", "/acme/api/cors/origins"))["Parameter"]
    assert origins["Type"] == "StringList" and origins["Value"] == "http://localhost:3000,http://localhost:5173"

    # S3: inline objects and a folder of files (embedded in the binary for built-in profiles).
    keys = [o["Key"] for o in json.loads(aws(p, "s3api", "list-objects-v2", "--bucket", "acme-uploads"))["Contents"]]
    assert "health/ping.txt" in keys and "welcome/readme.txt" in keys and "welcome/branding.json" in keys
    got = sh(["aws", "--endpoint-url", f"http://127.0.0.1:{p}", "s3", "cp", "s3://acme-uploads/welcome/readme.txt", "-"])
    assert got.returncode == 0 and got.stdout == (ROOT / "profiles/aws/uploads/welcome/readme.txt").read_text()
    versioning = json.loads(aws(p, "s3api", "get-bucket-versioning", "--bucket", "acme-exports"))
    assert versioning["Status"] == "Enabled"

    # Secrets Manager, EventBridge (bus -> rule -> queue target).
    stripe = json.loads(aws(p, "secretsmanager", "get-secret-value", "--secret-id", "acme/api/stripe"))
    assert json.loads(stripe["SecretString"]) == {"apiKey": "sk_test_devenv", "webhookSecret": "whsec_devenv"}
    targets = json.loads(aws(p, "events", "list-targets-by-rule", "--event-bus-name", "acme-events",
                             "--rule", "order-placed-to-queue"))["Targets"]
    assert len(targets) == 1 and targets[0]["Arn"].endswith(":orders-events")

    # Cognito: ids recorded and exported; a seeded user signs in with her permanent password.
    env = json.loads(e.devenv("env", "--format", "json").out)["variables"]
    pool, client = env["COGNITO_USER_POOL_ID"], env["COGNITO_CLIENT_ID"]
    desc = json.loads(aws(p, "cognito-idp", "describe-user-pool", "--user-pool-id", pool))["UserPool"]
    assert {"custom:role", "custom:tenantId"} <= {a["Name"] for a in desc["SchemaAttributes"]}
    auth = json.loads(aws(p, "cognito-idp", "initiate-auth", "--client-id", client, "--auth-flow", "USER_PASSWORD_AUTH",
                          "--auth-parameters", "USERNAME=alice@acme.test,PASSWORD=Passw0rd-alice"))
    assert "AccessToken" in auth["AuthenticationResult"]
    groups = json.loads(aws(p, "cognito-idp", "admin-list-groups-for-user", "--user-pool-id", pool,
                            "--username", "alice@acme.test"))["Groups"]
    assert [g["GroupName"] for g in groups] == ["admins"]
    assert env["SQS_QUEUE_URL_ORDERS_EVENTS"] == url.replace("localhost", "127.0.0.1") or env["SQS_QUEUE_URL_ORDERS_EVENTS"].endswith("/orders-events")

    # PostgreSQL: role, extension, SQL.
    assert psql(e.ports["postgres"], "select count(*) from accounts") == "2"
    assert psql(e.ports["postgres"], "select count(*) from accounts", user="acme_readonly", password="readonly") == "2"

    # Again: nothing changes, every AWS resource reports unchanged.
    r2, doc = seed_json(e, "seed")
    assert r2.code == 0, r2
    assert set(outcomes(doc).values()) == {"unchanged"}, doc  # PostgreSQL's SQL steps too
    assert {s["name"] for s in doc["services"]} == {"aws", "postgres"}
    assert scan_count(p, "acme-orders") == 2


def test_aws_reset_restores_exactly_the_seeded_state(make_env):
    e = make_env("aws")
    assert up_seeded(e, "aws").code == 0
    p, pg = e.ports["aws"], e.ports["postgres"]
    # What an application run leaves behind.
    aws(p, "dynamodb", "put-item", "--table-name", "acme-orders",
        "--item", json.dumps({"pk": {"S": "CUSTOMER#c-9"}, "sk": {"S": "ORDER#x"}}))
    aws(p, "dynamodb", "delete-item", "--table-name", "acme-orders",
        "--key", json.dumps({"pk": {"S": "CUSTOMER#c-1"}, "sk": {"S": "ORDER#2026-11-01#o-1"}}))
    aws(p, "sqs", "create-queue", "--queue-name", "app-made-this")
    aws(p, "ssm", "delete-parameter", "--name", "/acme/api/log-level")
    aws(p, "ssm", "put-parameter", "--name", "/acme/api/db/host", "--value", "changed", "--type", "String", "--overwrite")
    aws(p, "s3api", "put-object", "--bucket", "acme-uploads", "--key", "tmp/junk.txt")
    psql(pg, "insert into accounts (tenant_id, email) values ('t-9', 'mallory@acme.test')")
    psql(pg, "delete from accounts where email = 'bob@acme.test'")
    containers_before = {k: v["Id"] for k, v in e.containers().items()}

    t0 = time.monotonic()
    r = e.devenv("reset")
    took = time.monotonic() - t0
    assert r.code == 0, r
    print(f"soft reset of aws + postgres: {took:.2f} s")
    assert {k: v["Id"] for k, v in e.containers().items()} == containers_before, "reset must not recreate containers"

    items = json.loads(aws(p, "dynamodb", "scan", "--table-name", "acme-orders"))["Items"]
    assert sorted(i["sk"]["S"] for i in items) == ["ORDER#2026-11-01#o-1", "ORDER#2026-11-03#o-2"]
    queues = json.loads(aws(p, "sqs", "list-queues") or "{}").get("QueueUrls", [])
    assert not [q for q in queues if q.endswith("/app-made-this")]
    assert len(queues) == 4
    assert json.loads(aws(p, "ssm", "get-parameter", "--name", "/acme/api/log-level"))["Parameter"]["Value"] == "debug"
    assert json.loads(aws(p, "ssm", "get-parameter", "--name", "/acme/api/db/host"))["Parameter"]["Value"] == "localhost"
    keys = [o["Key"] for o in json.loads(aws(p, "s3api", "list-objects-v2", "--bucket", "acme-uploads"))["Contents"]]
    assert "tmp/junk.txt" not in keys and "health/ping.txt" in keys
    assert psql(pg, "select string_agg(email, ',' order by email) from accounts") == "alice@acme.test,bob@acme.test"


WEB_DB = dict(user="app", password="app-dev", db="app")  # the web profile: template defaults, DB_PASSWORD


def test_web_seed_and_reset(make_env):
    e = make_env("web")
    r = up_seeded(e, "web")
    assert r.code == 0, r
    pg, rd, s3 = e.ports["postgres"], e.ports["redis"], e.ports["minio"]
    db = WEB_DB

    assert psql(pg, "select count(*) from places", **db) == "2"
    assert psql(pg, "select extname from pg_extension where extname = 'postgis'", **db) == "postgis"
    assert psql(pg, "select ST_AsText(ST_MakePoint(1,2))", **db) == "POINT(1 2)"
    assert redis(rd, "HGET", "config:feature-flags", "new-checkout") == "on"
    assert redis(rd, "TYPE", "leaderboard") == "zset"
    assert 0 < int(redis(rd, "TTL", "cache:warmup")) <= 3600
    assert sorted(redis(rd, "SMEMBERS", "admins").split()) == ["alice", "carol"]
    assert "E" in redis(rd, "CONFIG", "GET", "notify-keyspace-events").split()[-1]
    buckets = {b["Name"] for b in json.loads(aws(s3, "s3api", "list-buckets"))["Buckets"]}
    assert {"uploads", "avatars", "exports"} <= buckets

    r2, doc = seed_json(e, "seed")
    assert r2.code == 0, r2
    # exec steps run every time (their idempotence is the profile's); everything else is unchanged.
    assert {v for (k, _), v in outcomes(doc).items() if k != "exec"} == {"unchanged"}, doc
    # ... and they are reported as having run, not as changes.
    assert {v for (k, _), v in outcomes(doc).items() if k == "exec"} == {"ran"}, doc
    redis_summary = next(s for s in doc["services"] if s["name"] == "redis")
    assert redis_summary["ran"] == 1 and redis_summary["updated"] == 0, doc
    text = e.devenv("seed")
    assert text.code == 0, text
    assert re.search(r"^  redis +nothing changed \(1 exec step ran, \d+ unchanged\)", text.out, re.M), text

    # The application's traces, then reset.
    psql(pg, "insert into places (name, location) values ('Nowhere', ST_GeogFromText('POINT(0 0)'))", **db)
    redis(rd, "SET", "session:zzz", "x")
    redis(rd, "DEL", "admins")
    redis(rd, "HSET", "config:feature-flags", "new-checkout", "off")
    aws(s3, "s3api", "create-bucket", "--bucket", "app-made-this")
    t0 = time.monotonic()
    r3 = e.devenv("reset")
    took = time.monotonic() - t0
    assert r3.code == 0, r3
    print(f"soft reset of postgres + redis + minio(moto): {took:.2f} s")
    assert psql(pg, "select string_agg(name, ',' order by name) from places", **db) == "Brandenburg Gate,Eiffel Tower"
    assert redis(rd, "EXISTS", "session:zzz") == "0"
    assert sorted(redis(rd, "SMEMBERS", "admins").split()) == ["alice", "carol"]
    assert redis(rd, "HGET", "config:feature-flags", "new-checkout") == "on"
    buckets = {b["Name"] for b in json.loads(aws(s3, "s3api", "list-buckets"))["Buckets"]}
    assert "app-made-this" not in buckets and {"uploads", "avatars", "exports"} <= buckets


def test_hard_reset_recreates_from_scratch_and_a_bad_timeout_changes_nothing(make_env):
    """`reset --hard`: down --volumes, up, seed. The application's data is gone with its volumes,
    the seed is back; a bad --timeout is refused before anything is taken down."""
    e = make_env("web")
    r = up_seeded(e, "web")
    assert r.code == 0, r
    pg, rd = e.ports["postgres"], e.ports["redis"]
    db = WEB_DB
    psql(pg, "create table app_made_this (x int); insert into places (name, location) "
             "values ('Nowhere', ST_GeogFromText('POINT(0 0)'))", **db)
    redis(rd, "SET", "session:zzz", "x")
    ids = lambda: {k: (d["Id"], d["State"]["Status"]) for k, d in e.containers().items()}
    before = ids()

    r = e.devenv("--timeout", "soon", "reset", "--hard")
    assert r.code == 2 and "--timeout" in r.err, r
    assert ids() == before  # nothing was taken down
    assert redis(rd, "GET", "session:zzz") == "x"

    r = e.devenv("reset", "--hard", timeout=400)
    assert r.code == 0, r
    after = ids()
    assert set(after) == set(before) and all(after[k][0] != before[k][0] for k in after), (before, after)
    assert psql(pg, "select to_regclass('public.app_made_this') is null", **db) == "t"
    assert psql(pg, "select string_agg(name, ',' order by name) from places", **db) == "Brandenburg Gate,Eiffel Tower"
    assert redis(rd, "EXISTS", "session:zzz") == "0"
    assert sorted(redis(rd, "SMEMBERS", "admins").split()) == ["alice", "carol"]


def write_project(e, text):
    (e.dir / "devenv.yaml").write_text(text)


PG_PROJECT = """\
services:
  db:
    template: postgres
    with: {{image: devenv-standin/postgres:17, user: app, password: app-pw, database: app, port: {port}}}
seed:
  db:
    postgres:
      databases:
        - name: app
          sql:
            - text: "CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY); INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING;"
            - text: "{second}"
"""


def test_a_failed_seed_exits_5_names_the_resource_and_a_rerun_finishes(make_env):
    e = make_env(None, ports={"db": 5432})
    write_project(e, PG_PROJECT.format(port=e.ports["db"], second="INSERT INTO nope VALUES (1);"))
    r = e.devenv("up", "--project-name", e.name, timeout=300)
    assert r.code == 5, r
    assert "nope" in r.out + r.err and "does not exist" in r.out + r.err, r
    assert "devenv seed" in r.err, r  # the hint: run it again
    # What could be done is in place.
    assert psql(e.ports["db"], "select count(*) from t", user="app", password="app-pw", db="app") == "1"
    write_project(e, PG_PROJECT.format(port=e.ports["db"], second="CREATE TABLE IF NOT EXISTS nope (id int);"))
    r2 = e.devenv("seed")
    assert r2.code == 0, r2
    assert psql(e.ports["db"], "select count(*) from nope", user="app", password="app-pw", db="app") == "0"


def test_seed_refuses_an_endpoint_that_is_not_this_machine(make_env):
    e = make_env(None, ports={"db": 5432})
    write_project(e, PG_PROJECT.format(port=e.ports["db"], second="SELECT 1;"))
    r = e.devenv("up", "--no-seed", "--project-name", e.name, timeout=300)
    assert r.code == 0, r
    t0 = time.monotonic()
    r2 = e.devenv("seed", "--project-name", e.name, "--set", "services.db.probe.host=10.255.255.1")
    assert r2.code == 5, r2
    assert "neither on this machine nor on the engine's host" in r2.err and "--allow-remote" in r2.err, r2
    assert time.monotonic() - t0 < 5
    r3 = e.devenv("reset", "--project-name", e.name, "--set", "services.db.probe.host=192.0.2.7")
    assert r3.code == 5 and "neither on this machine nor on the engine's host" in r3.err, r3

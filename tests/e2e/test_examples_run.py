"""The examples of examples/ run end to end on the stand-in images: aws-api (moto + PostgreSQL,
lots of seed) and web-product (its own api and worker built from Dockerfiles on the `web`
profile: PostGIS, Redis, moto standing in for MinIO; also with its `prod` overlay's Docker
secrets). Each is copied into its own folder, started with `devenv up` (seeding), checked with
independent clients (aws, psql, redis-cli, HTTP from the host) and removed in a finalizer, with
the images the test built."""
import json
import shutil
import time
import urllib.request

import pytest

from conftest import ROOT, WEB_ARGS, WEB_PORTS, docker
from test_lifecycle import aws, psql, redis

EXAMPLES = ROOT / "examples"


def copy_example(e, name):
    shutil.copytree(EXAMPLES / name, e.dir, dirs_exist_ok=True)


def up(e, *args, timeout=600):
    return e.devenv("up", *args, "--project-name", e.name, "--port-offset", str(e.offset), timeout=timeout)


def env_vars(e):
    r = e.devenv("env", "--format", "json")
    assert r.code == 0, r
    return json.loads(r.out)["variables"]


def scan(port, table):
    return json.loads(aws(port, "dynamodb", "scan", "--table-name", table))["Items"]


# --- aws-api -------------------------------------------------------------------------------------

AWS_API_ARGS = ["--set", "services.aws.image=devenv-standin/moto:5",
                "--set", "services.postgres.image=devenv-standin/postgres:17"]
AWS_API_DB = dict(user="orders", password="orders-dev", db="reporting")


def test_aws_api_example_seeds_everything_and_reset_restores_it(make_env):
    e = make_env(None, ports={"aws": 4566, "postgres": 5432}, subdir="aws-api")
    copy_example(e, "aws-api")
    t0 = time.monotonic()
    r = up(e, *AWS_API_ARGS)
    print(f"aws-api: up + seed {time.monotonic() - t0:.1f} s")
    assert r.code == 0, r
    assert "seed done" in r.out, r
    p, pg = e.ports["aws"], e.ports["postgres"]

    # DynamoDB: the twelve tables, their GSIs and TTL, items inline and from seed/orders.json.
    tables = set(json.loads(aws(p, "dynamodb", "list-tables"))["TableNames"])
    assert {"orders", "order-items", "customers", "products", "inventory", "carts", "sessions",
            "idempotency-keys", "payments", "shipments", "audit-log", "feature-flags"} <= tables
    orders = json.loads(aws(p, "dynamodb", "describe-table", "--table-name", "orders"))["Table"]
    assert [k["AttributeName"] for k in orders["KeySchema"]] == ["pk", "sk"]
    gsis = {g["IndexName"]: g for g in orders["GlobalSecondaryIndexes"]}
    assert set(gsis) == {"by-customer", "by-status"}
    assert gsis["by-status"]["Projection"]["ProjectionType"] == "KEYS_ONLY"
    assert orders["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    for table in ("orders", "carts", "sessions", "idempotency-keys", "audit-log"):
        ttl = json.loads(aws(p, "dynamodb", "describe-time-to-live", "--table-name", table))["TimeToLiveDescription"]
        assert ttl["TimeToLiveStatus"] == "ENABLED" and ttl["AttributeName"] == "expiresAt", (table, ttl)
    seeded_orders = json.loads((EXAMPLES / "aws-api/seed/orders.json").read_text())
    assert sorted(i["sk"]["S"] for i in scan(p, "orders")) == sorted(o["sk"] for o in seeded_orders)
    items = json.loads(aws(p, "dynamodb", "describe-table", "--table-name", "order-items"))["Table"]
    by_sku = items["GlobalSecondaryIndexes"][0]
    assert by_sku["Projection"]["ProjectionType"] == "INCLUDE"
    assert sorted(by_sku["Projection"]["NonKeyAttributes"]) == ["price", "quantity"]
    assert sorted(i["email"]["S"] for i in scan(p, "customers")) == ["alice@acme.test", "bob@acme.test"]
    flags = json.loads(aws(p, "dynamodb", "describe-table", "--table-name", "feature-flags"))["Table"]
    assert flags["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert scan(p, "feature-flags")[0]["enabled"] == {"BOOL": True}

    # SQS: dead-letter queues wired by redrive policy, FIFO.
    def queue_attrs(name):
        url = json.loads(aws(p, "sqs", "get-queue-url", "--queue-name", name))["QueueUrl"]
        return json.loads(aws(p, "sqs", "get-queue-attributes", "--queue-url", url,
                              "--attribute-names", "All"))["Attributes"]
    for queue, dlq, max_receive in (("order-events", "order-events-dlq", 5), ("payments.fifo", "payments-dlq.fifo", 3),
                                    ("emails", "emails-dlq", 10)):
        redrive = json.loads(queue_attrs(queue)["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"].endswith(":" + dlq) and int(redrive["maxReceiveCount"]) == max_receive
    assert queue_attrs("order-events")["ReceiveMessageWaitTimeSeconds"] == "20"
    fifo = queue_attrs("payments.fifo")
    assert fifo["FifoQueue"] == "true" and fifo["ContentBasedDeduplication"] == "true"

    # EventBridge: the bus, its rules, each targeting its queue.
    for rule, queue in (("placed-orders-to-queue", "order-events"), ("receipts-to-emails", "emails")):
        targets = json.loads(aws(p, "events", "list-targets-by-rule", "--event-bus-name", "orders-bus",
                                 "--rule", rule))["Targets"]
        assert [t["Arn"].rsplit(":", 1)[1] for t in targets] == [queue], (rule, targets)
    placed = json.loads(aws(p, "events", "describe-rule", "--event-bus-name", "orders-bus",
                            "--name", "placed-orders-to-queue"))
    assert json.loads(placed["EventPattern"])["detail-type"] == ["OrderPlaced", "OrderCancelled"]

    # SSM: everything under the API's path, inline and from seed/parameters.yaml.
    params = {x["Name"]: x for x in json.loads(aws(p, "ssm", "get-parameters-by-path", "--path", "/acme/orders-api/",
                                                   "--recursive", "--with-decryption"))["Parameters"]}
    assert {"/acme/orders-api/db/host", "/acme/orders-api/bus", "/acme/orders-api/jwt/secret",
            "/acme/orders-api/limits/max-items-per-order", "/acme/orders-api/features"} <= set(params)
    assert params["/acme/orders-api/jwt/secret"]["Type"] == "SecureString"
    assert params["/acme/orders-api/jwt/secret"]["Value"] == "dev-only-signing-key"
    assert params["/acme/orders-api/features"]["Type"] == "StringList"
    assert params["/acme/orders-api/features"]["Value"] == "new-checkout,saved-carts"
    assert params["/acme/orders-api/limits/max-items-per-order"]["Value"] == "50"

    # Cognito: the pool with its custom attributes, its id exported; alice signs in.
    pools = json.loads(aws(p, "cognito-idp", "list-user-pools", "--max-results", "10"))["UserPools"]
    pool_id = next(x["Id"] for x in pools if x["Name"] == "orders-users")
    desc = json.loads(aws(p, "cognito-idp", "describe-user-pool", "--user-pool-id", pool_id))["UserPool"]
    assert {"custom:role", "custom:tenantId"} <= {a["Name"] for a in desc["SchemaAttributes"]}
    variables = env_vars(e)
    assert pool_id in variables.values(), variables
    clients = json.loads(aws(p, "cognito-idp", "list-user-pool-clients", "--user-pool-id", pool_id))["UserPoolClients"]
    client_id = next(c["ClientId"] for c in clients if c["ClientName"] == "orders-web")
    assert client_id in variables.values(), variables
    auth = json.loads(aws(p, "cognito-idp", "initiate-auth", "--client-id", client_id, "--auth-flow", "USER_PASSWORD_AUTH",
                          "--auth-parameters", "USERNAME=alice@acme.test,PASSWORD=Passw0rd-alice"))
    assert "AccessToken" in auth["AuthenticationResult"]

    # S3: versioned bucket, a folder of files.
    assert json.loads(aws(p, "s3api", "get-bucket-versioning", "--bucket", "orders-invoices"))["Status"] == "Enabled"
    keys = [o["Key"] for o in json.loads(aws(p, "s3api", "list-objects-v2", "--bucket", "orders-exports"))["Contents"]]
    assert keys == ["2026-01.csv"]

    # PostgreSQL and the names the API reads.
    assert psql(pg, "select count(*) from daily_revenue", **AWS_API_DB) == "2"
    assert variables["ORDERS_AWS_ENDPOINT"].endswith(f":{p}"), variables
    assert f":{pg}/reporting" in variables["ORDERS_REPORTING_DB"], variables
    assert variables["ORDERS_PARAMETER_PATH"] == "/acme/orders-api/"

    # What a run of the API leaves behind, then reset.
    aws(p, "dynamodb", "delete-item", "--table-name", "orders",
        "--key", json.dumps({"pk": {"S": "CUSTOMER#c-001"}, "sk": {"S": "ORDER#o-1001"}}))
    aws(p, "dynamodb", "put-item", "--table-name", "carts", "--item", json.dumps({"cartId": {"S": "cart-x"}}))
    aws(p, "ssm", "put-parameter", "--name", "/acme/orders-api/db/host", "--value", "changed", "--type", "String",
        "--overwrite")
    aws(p, "sqs", "create-queue", "--queue-name", "app-made-this")
    psql(pg, "delete from daily_revenue", **AWS_API_DB)
    t0 = time.monotonic()
    r = e.devenv("reset")
    print(f"aws-api: soft reset {time.monotonic() - t0:.2f} s")
    assert r.code == 0, r
    assert sorted(i["sk"]["S"] for i in scan(p, "orders")) == sorted(o["sk"] for o in seeded_orders)
    assert scan(p, "carts") == []
    assert json.loads(aws(p, "ssm", "get-parameter", "--name", "/acme/orders-api/db/host"))["Parameter"]["Value"] == "localhost"
    queues = json.loads(aws(p, "sqs", "list-queues") or "{}").get("QueueUrls", [])
    assert not [q for q in queues if q.endswith("/app-made-this")] and len(queues) == 6
    assert psql(pg, "select count(*) from daily_revenue", **AWS_API_DB) == "2"


# --- web-product ---------------------------------------------------------------------------------

# devenv bug (reported): the example `extends: web` and adds its own files to seed kinds the web
# profile already seeds (postgres sql: [seed/places.sql], minio objects_from: seed/uploads). The
# merged declaration takes its folder from the parent's key, the built-in profile's, so devenv looks
# for profiles/seed/places.sql among its embedded files and the seed fails (exit 5). The test checks
# everything else, then stops as xfail on exactly this failure; once devenv is fixed it checks it all.
SEED_PATH_BUG = ("devenv resolves the project's own seed files against the built-in `web` profile "
                 "(built-in seed file profiles/seed/places.sql does not exist)")


def hit_seed_path_bug(r):
    return r.code == 5 and "built-in seed file profiles/seed/places.sql does not exist" in r.out + r.err


WEB_DB = dict(user="app", password="places-dev", db="app")


@pytest.fixture
def web_product(make_env):
    """The web-product example in its own folder and project; its api and worker images get tags
    of their own (removed at the end, after the project)."""
    e = make_env(None, ports={**WEB_PORTS, "api": 8080}, subdir="web-product")
    copy_example(e, "web-product")
    images = [f"places-api:{e.name}", f"places-worker:{e.name}"]
    e.build_args = [*WEB_ARGS,
                    "--set", f"services.api.image={images[0]}",
                    "--set", f"services.worker.image={images[1]}",
                    "--set", "services.api.build.args.BASE=devenv-standin/moto:5",
                    "--set", "services.worker.build.args.BASE=devenv-standin/moto:5"]
    yield e
    e.remove()
    present = [i for i in images if docker("image", "inspect", i).returncode == 0]
    if present:
        docker("rmi", *present, check=True)


def http_json(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as resp:
        assert resp.status == 200
        return json.loads(resp.read())


def check_api_and_worker(e):
    """The api answers from the host on its shifted port, the worker runs and said it started."""
    assert http_json(e.ports["api"], "/health") == {"status": "ok"}
    places = http_json(e.ports["api"], "/places")
    assert places["database"] is True, places
    c = e.containers()
    assert c["api"]["State"]["Running"] and c["worker"]["State"]["Running"]
    logs = docker("logs", c["worker"]["Id"]).stdout
    assert "worker started, queue queue:emails" in logs, logs
    return c


def check_web_seed(e):
    """What the `web` profile seeds (inline, unaffected by the bug above)."""
    pg, rd, s3 = e.ports["postgres"], e.ports["redis"], e.ports["minio"]
    assert psql(pg, "select extname from pg_extension where extname = 'postgis'", **WEB_DB) == "postgis"
    assert psql(pg, "select count(*) from places where name = 'Brandenburg Gate'", **WEB_DB) == "1"
    assert redis(rd, "HGET", "config:feature-flags", "new-checkout") == "on"
    assert redis(rd, "LRANGE", "queue:emails", "0", "-1") == "welcome:alice@acme.test"
    buckets = {b["Name"] for b in json.loads(aws(s3, "s3api", "list-buckets"))["Buckets"]}
    assert {"uploads", "avatars", "exports", "thumbnails"} <= buckets, buckets


def check_project_seed(e):
    """What the example seeds from its own files: seed/places.sql and seed/uploads/."""
    pg, s3 = e.ports["postgres"], e.ports["minio"]
    assert psql(pg, "select string_agg(name, ',' order by name) from places", **WEB_DB) == \
        "Brandenburg Gate,Eiffel Tower,Parc des Buttes-Chaumont,Tempelhofer Feld"
    assert psql(pg, "select count(*) from reviews", **WEB_DB) == "0"
    keys = [o["Key"] for o in json.loads(aws(s3, "s3api", "list-objects-v2", "--bucket", "uploads"))["Contents"]]
    assert sorted(keys) == ["README.txt", "samples/hello.txt"], keys


def test_web_product_example_builds_runs_and_seeds(web_product):
    e = web_product
    t0 = time.monotonic()
    r = up(e, "--build", *e.build_args)
    print(f"web-product: up --build + seed {time.monotonic() - t0:.1f} s")
    bug = hit_seed_path_bug(r)
    if not bug:
        assert r.code == 0, r
        assert "seed done" in r.out, r
    # Every service ran and became ready whatever the seed did.
    r_status = e.devenv("status", "--json")
    doc = json.loads(r_status.out)
    assert doc["ready"] is True and {s["name"] for s in doc["services"]} == {"postgres", "redis", "minio", "api",
                                                                            "worker"}, doc
    check_api_and_worker(e)
    check_web_seed(e)
    variables = env_vars(e)
    assert variables["PLACES_DATABASE_URL"] == f"postgresql://app:places-dev@localhost:{e.ports['postgres']}/app"
    assert variables["S3_ENDPOINT"] == f"http://localhost:{e.ports['minio']}"
    # API_URL is the example's own export ("http://localhost:8080"): devenv does not shift a plain
    # service's exports by --port-offset (reported), so it is not checked here.
    if bug:
        pytest.xfail(SEED_PATH_BUG)
    check_project_seed(e)

    # The application's traces, then reset: the seeded state is back, the containers the same.
    pg, rd = e.ports["postgres"], e.ports["redis"]
    psql(pg, "delete from places where name = 'Tempelhofer Feld'", **WEB_DB)
    redis(rd, "DEL", "queue:emails")
    aws(e.ports["minio"], "s3api", "delete-object", "--bucket", "uploads", "--key", "samples/hello.txt")
    before = {k: v["Id"] for k, v in e.containers().items()}
    r = e.devenv("reset")
    assert r.code == 0, r
    assert {k: v["Id"] for k, v in e.containers().items()} == before
    check_project_seed(e)
    assert redis(rd, "LRANGE", "queue:emails", "0", "-1") == "welcome:alice@acme.test"


def test_web_product_example_prod_overlay_with_docker_secrets(web_product):
    e = web_product
    t0 = time.monotonic()
    r = up(e, "--build", "--overlay", "prod", *e.build_args)
    print(f"web-product --overlay prod: up --build + seed {time.monotonic() - t0:.1f} s")
    bug = hit_seed_path_bug(r)
    if not bug:
        assert r.code == 0, r
        assert "seed done" in r.out, r
    c = check_api_and_worker(e)
    # The passwords come from the secret files, not the environment.
    pg_env = dict(x.split("=", 1) for x in c["postgres"]["Config"]["Env"])
    assert pg_env["POSTGRES_PASSWORD"] == "" and pg_env["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    api_env = dict(x.split("=", 1) for x in c["api"]["Config"]["Env"])
    assert api_env["DATABASE_URL"] == "" and api_env["SESSION_KEY_FILE"] == "/run/secrets/session_key"
    for path, file in (("/run/secrets/session_key", "session_key.txt"),
                       ("/run/secrets/postgres_password", "postgres_password.txt")):
        got = docker("exec", c["api"]["Id"], "cat", path)
        assert got.returncode == 0 and got.stdout == (EXAMPLES / "web-product/secrets" / file).read_text(), got
    # PostgreSQL took its password from the file: the password is refused when wrong, accepted when right.
    check_web_seed(e)
    wrong = dict(WEB_DB, password="not-it")
    with pytest.raises(AssertionError):
        psql(e.ports["postgres"], "select 1", **wrong)
    if bug:
        pytest.xfail(SEED_PATH_BUG)
    check_project_seed(e)

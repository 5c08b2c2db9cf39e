"""`devenv up aws` on LocalStack itself: the stand-in image devenv-standin/localstack:4.14
(localstack-core 4.14.0 from PyPI, scripts/standin/localstack/), the built-in `aws` profile with
only the images swapped and DynamoDB left out (LocalStack serves DynamoDB through DynamoDB Local,
whose licence keeps it off devenv's machines; DynamoDB stays tested on moto in test_seed.py).

Checked with the aws CLI: every seeded resource, an event put on the bus arriving in its queue,
the queue URLs that `devenv env` exports used as LocalStack returns them; a second seed changes
nothing; reset (delete everything, seed again) on the real service; init hooks in ready.d that
`up` waits for, and a failing one that fails `up` with its name and output."""
import json
import os
import re
import time

import pytest

from conftest import docker
from test_lifecycle import sh

IMAGE = "devenv-standin/localstack:4.14"
SERVICES = "[sqs, ssm, s3, events, secretsmanager]"   # the profile's list without dynamodb
# The built-in profile with only the images swapped, DynamoDB out of SERVICES and its seed
# block dropped (`KIND: ~` drops a declared block; --set replaces a list).
LS_ARGS = ["--set", f"services.aws.image={IMAGE}",
           "--set", "services.postgres.image=devenv-standin/postgres:17",
           "--set", f"services.aws.with.services={SERVICES}",
           "--set", "seed.aws.dynamodb=null"]
PORTS = {"aws": 4566, "postgres": 5432}


@pytest.fixture(scope="session")
def localstack_image(engine):
    if docker("image", "inspect", IMAGE).returncode != 0:
        pytest.fail(f"{IMAGE} missing: run scripts/build-standin-images.sh localstack")
    return IMAGE


@pytest.fixture
def ls_env(localstack_image, make_env):
    """An `aws` project on LocalStack; AWS_EMULATOR is left unset (the profile's default)."""
    def make(*extra_args):
        e = make_env(None, ports=PORTS)
        e.base_args = LS_ARGS + list(extra_args)
        e.env = {"AWS_EMULATOR": "localstack"}
        return e
    return make


def client_env(port):
    return {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_PAGER": "", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}


def aws(port, *args, env=None):
    """The aws CLI; --endpoint-url from AWS_ENDPOINT_URL (Debian's awscli predates reading it)."""
    full = {**client_env(port), **(env or {})}
    p = sh(["aws", "--endpoint-url", full["AWS_ENDPOINT_URL"], "--output", "json", *args], env=full, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout) if p.stdout.strip() else {}


def up(e, *extra, timeout=400):
    args = ["up", "aws", *e.base_args, "--project-name", e.name, "--port-offset", str(e.offset), *extra]
    return e.devenv(*args, timeout=timeout)


def outcomes(doc):
    return {(x["service"], x["kind"], x["resource"]): x["outcome"] for x in doc["resources"]}


def queue_attrs(port, url):
    return aws(port, "sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All")["Attributes"]


def check_seeded(port, env_vars):
    """Every resource of the aws profile's seed but DynamoDB, read back with the aws CLI."""
    urls = {u.rsplit("/", 1)[1]: u for u in aws(port, "sqs", "list-queues").get("QueueUrls", [])}
    assert set(urls) == {"orders-events-dlq", "orders-events", "payments-dlq.fifo", "payments.fifo"}, urls
    orders = queue_attrs(port, urls["orders-events"])
    assert orders["VisibilityTimeout"] == "30" and orders["ReceiveMessageWaitTimeSeconds"] == "20"
    redrive = json.loads(orders["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == queue_attrs(port, urls["orders-events-dlq"])["QueueArn"]
    assert int(redrive["maxReceiveCount"]) == 5
    assert queue_attrs(port, urls["orders-events-dlq"])["MessageRetentionPeriod"] == "1209600"
    pay = queue_attrs(port, urls["payments.fifo"])
    assert pay["FifoQueue"] == "true" and pay["ContentBasedDeduplication"] == "true"
    assert json.loads(pay["RedrivePolicy"])["deadLetterTargetArn"].endswith(":payments-dlq.fifo")
    assert int(json.loads(pay["RedrivePolicy"])["maxReceiveCount"]) == 3
    assert queue_attrs(port, urls["payments-dlq.fifo"])["FifoQueue"] == "true"
    # Exported queue URLs are the ones LocalStack returns.
    assert env_vars["SQS_QUEUE_URL_ORDERS_EVENTS"] == urls["orders-events"]
    assert env_vars["SQS_QUEUE_URL_PAYMENTS_FIFO"] == urls["payments.fifo"]

    params = {p["Name"]: p for p in aws(port, "ssm", "get-parameters-by-path", "--path", "/acme", "--recursive",
                                        "--with-decryption")["Parameters"]}
    assert set(params) == {"/acme/api/db/host", "/acme/api/db/name", "/acme/api/log-level",
                           "/acme/api/cors/origins", "/acme/api/jwt/secret"}
    assert params["/acme/api/db/host"]["Value"] == "localhost"
    assert params["/acme/api/cors/origins"]["Type"] == "StringList"
    assert params["/acme/api/cors/origins"]["Value"] == "http://localhost:3000,http://localhost:5173"
    assert params["/acme/api/jwt/secret"]["Type"] == "SecureString"
    assert params["/acme/api/jwt/secret"]["Value"] == "dev-only-jwt-secret"
    desc = aws(port, "ssm", "describe-parameters", "--parameter-filters", "Key=Name,Values=/acme/api/jwt/secret")
    assert desc["Parameters"][0].get("Description") == "HMAC key for local tokens"

    buckets = {b["Name"] for b in aws(port, "s3api", "list-buckets")["Buckets"]}
    assert {"acme-uploads", "acme-exports"} <= buckets, buckets
    keys = {o["Key"] for o in aws(port, "s3api", "list-objects-v2", "--bucket", "acme-uploads")["Contents"]}
    assert {"health/ping.txt", "welcome/readme.txt", "welcome/branding.json"} <= keys, keys
    got = sh(["aws", "--endpoint-url", f"http://127.0.0.1:{port}", "s3", "cp", "s3://acme-uploads/health/ping.txt", "-"],
             env=client_env(port))
    assert got.returncode == 0 and got.stdout == "ok", got
    assert aws(port, "s3api", "get-bucket-versioning", "--bucket", "acme-exports")["Status"] == "Enabled"

    stripe = aws(port, "secretsmanager", "get-secret-value", "--secret-id", "acme/api/stripe")
    assert json.loads(stripe["SecretString"]) == {"apiKey": "sk_test_devenv", "webhookSecret": "whsec_devenv"}
    assert aws(port, "secretsmanager", "get-secret-value", "--secret-id", "acme/api/signing-key")["SecretString"] \
        == "dev-only-signing-key"
    assert aws(port, "secretsmanager", "describe-secret", "--secret-id", "acme/api/stripe")["Description"] \
        == "Test-mode payment keys"

    assert "acme-events" in {b["Name"] for b in aws(port, "events", "list-event-buses")["EventBuses"]}
    rule = aws(port, "events", "describe-rule", "--event-bus-name", "acme-events", "--name", "order-placed-to-queue")
    assert json.loads(rule["EventPattern"]) == {"source": ["acme.orders"], "detail-type": ["OrderPlaced"]}
    assert rule["State"] == "ENABLED"
    targets = aws(port, "events", "list-targets-by-rule", "--event-bus-name", "acme-events",
                  "--rule", "order-placed-to-queue")["Targets"]
    assert [t["Arn"] for t in targets] == [orders["QueueArn"]]
    return urls


def test_up_seed_env_reset_down_on_localstack(ls_env):
    e = ls_env()
    t0 = time.monotonic()
    r = up(e)
    took = time.monotonic() - t0
    assert r.code == 0, r
    print(f"devenv up aws on LocalStack (seed included): {took:.1f} s")
    assert "seed done" in r.out, r
    assert re.search(r"aws\b.*ready", r.out), r
    port = e.ports["aws"]

    # The probe reported what it asked: every listed service and the ready.d hooks.
    st = e.devenv("status", "--json")
    assert st.code == 0, st
    doc = json.loads(st.out)
    svc = {s["name"]: s for s in doc["services"]}
    assert svc["aws"]["ready"] is True and svc["postgres"]["ready"] is True, doc
    health = json.loads(sh(["curl", "-fsS", f"http://127.0.0.1:{port}/_localstack/health"]).stdout)
    assert health["edition"] == "community" and health["version"].startswith("4.14.0"), health
    for s in ("sqs", "ssm", "s3", "events", "secretsmanager"):
        assert health["services"][s] in ("running", "available"), health
    assert health["services"].get("dynamodb") in (None, "disabled"), health

    env_vars = json.loads(e.devenv("env", "--format", "json").out)["variables"]
    assert env_vars["AWS_ENDPOINT_URL"] == f"http://localhost:{port}" or \
        env_vars["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{port}", env_vars
    urls = check_seeded(port, env_vars)

    # An event put on the bus arrives in the rule's queue; the exported URL is used as is, by a
    # client configured only by what `devenv env` exports.
    app_env = {k: v for k, v in env_vars.items() if k.startswith("AWS_")}
    put = aws(port, "events", "put-events", "--entries", json.dumps([{
        "EventBusName": "acme-events", "Source": "acme.orders", "DetailType": "OrderPlaced",
        "Detail": json.dumps({"orderId": "o-42"})}]), env=app_env)
    assert put["FailedEntryCount"] == 0, put
    got = aws(port, "sqs", "receive-message", "--queue-url", env_vars["SQS_QUEUE_URL_ORDERS_EVENTS"],
              "--wait-time-seconds", "10", "--max-number-of-messages", "1", env=app_env)
    assert len(got.get("Messages", [])) == 1, got
    event = json.loads(got["Messages"][0]["Body"])
    assert event["detail"] == {"orderId": "o-42"} and event["detail-type"] == "OrderPlaced"
    # An event the pattern does not match stays out.
    aws(port, "events", "put-events", "--entries", json.dumps([{
        "EventBusName": "acme-events", "Source": "acme.billing", "DetailType": "OrderPlaced", "Detail": "{}"}]))
    none = aws(port, "sqs", "receive-message", "--queue-url", urls["orders-events"], "--wait-time-seconds", "2")
    assert not none.get("Messages"), none
    sent = aws(port, "sqs", "send-message", "--queue-url", env_vars["SQS_QUEUE_URL_PAYMENTS_FIFO"],
               "--message-body", "p-1", "--message-group-id", "g", env=app_env)
    assert sent.get("MessageId"), sent
    # The exported URL itself is where the queue answers (an SDK or plain HTTP posting to it):
    # SQS's query API on the URL, nothing else given.
    posted = sh(["curl", "-fsS", "-X", "POST", env_vars["SQS_QUEUE_URL_ORDERS_EVENTS_DLQ"],
                 "-H", "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, "
                       "SignedHeaders=host, Signature=0",
                 "--data-urlencode", "Action=SendMessage", "--data-urlencode", "MessageBody=by-url"])
    assert posted.returncode == 0 and "<MessageId>" in posted.stdout, posted
    got = aws(port, "sqs", "receive-message", "--queue-url", urls["orders-events-dlq"], "--wait-time-seconds", "5")
    assert [m["Body"] for m in got.get("Messages", [])] == ["by-url"], got

    # A second seed: everything unchanged.
    r2 = e.devenv("seed", "--json")
    assert r2.code == 0, r2
    doc2 = json.loads(r2.out)
    aws_outcomes = {k: v for k, v in outcomes(doc2).items() if k[0] == "aws"}
    assert len(aws_outcomes) >= 4 + 5 + 2 + 2 + 2, aws_outcomes
    assert set(aws_outcomes.values()) == {"unchanged"}, aws_outcomes
    assert not any(k[1] == "dynamodb" for k in aws_outcomes), aws_outcomes

    # What an application run leaves behind, then reset: the seeded state exactly.
    aws(port, "sqs", "create-queue", "--queue-name", "app-made-this")
    aws(port, "sqs", "set-queue-attributes", "--queue-url", urls["orders-events"], "--attributes", "VisibilityTimeout=99")
    aws(port, "ssm", "delete-parameter", "--name", "/acme/api/log-level")
    aws(port, "ssm", "put-parameter", "--name", "/acme/api/db/host", "--value", "changed", "--type", "String",
        "--overwrite")
    aws(port, "ssm", "put-parameter", "--name", "/acme/api/extra", "--value", "x", "--type", "String")
    aws(port, "s3api", "put-object", "--bucket", "acme-uploads", "--key", "tmp/junk.txt")
    aws(port, "s3api", "create-bucket", "--bucket", "app-bucket")
    aws(port, "s3api", "put-object", "--bucket", "acme-exports", "--key", "v.txt")
    aws(port, "s3api", "put-object", "--bucket", "acme-exports", "--key", "v.txt")   # two versions
    aws(port, "secretsmanager", "create-secret", "--name", "app/secret", "--secret-string", "s")
    aws(port, "secretsmanager", "put-secret-value", "--secret-id", "acme/api/signing-key", "--secret-string", "rotated")
    aws(port, "events", "put-rule", "--event-bus-name", "acme-events", "--name", "app-rule",
        "--event-pattern", json.dumps({"source": ["app"]}))
    aws(port, "events", "create-event-bus", "--name", "app-bus")
    containers = {k: v["Id"] for k, v in e.containers().items()}
    t0 = time.monotonic()
    rr = e.devenv("reset", "--json")
    print(f"devenv reset on LocalStack: {time.monotonic() - t0:.2f} s")
    assert rr.code == 0, rr
    assert {k: v["Id"] for k, v in e.containers().items()} == containers, "a soft reset keeps the containers"
    check_seeded(port, json.loads(e.devenv("env", "--format", "json").out)["variables"])
    assert "app-bucket" not in {b["Name"] for b in aws(port, "s3api", "list-buckets")["Buckets"]}
    assert not aws(port, "s3api", "list-object-versions", "--bucket", "acme-exports").get("Versions")
    names = {s["Name"] for s in aws(port, "secretsmanager", "list-secrets")["SecretList"]}
    assert names == {"acme/api/stripe", "acme/api/signing-key"}, names
    rules = {x["Name"] for x in aws(port, "events", "list-rules", "--event-bus-name", "acme-events")["Rules"]}
    assert rules == {"order-placed-to-queue"}, rules
    assert "app-bus" not in {b["Name"] for b in aws(port, "events", "list-event-buses")["EventBuses"]}
    # After the reset the rule still delivers to the (new) queue.
    aws(port, "events", "put-events", "--entries", json.dumps([{
        "EventBusName": "acme-events", "Source": "acme.orders", "DetailType": "OrderPlaced", "Detail": "{}"}]))
    url = aws(port, "sqs", "get-queue-url", "--queue-name", "orders-events")["QueueUrl"]
    got = aws(port, "sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "10")
    assert len(got.get("Messages", [])) == 1, got

    d = e.devenv("down")
    assert d.code == 0, d
    assert e.containers() == {}, "down removes the containers"


def write_hook(folder, name, body):
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/bash\nset -e\n" + body)
    path.chmod(0o755)
    return path


# An init hook talks to LocalStack from inside the container with the aws CLI of LocalStack's venv.
HOOK_AWS = ("AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 "
            "aws --endpoint-url http://127.0.0.1:4566")


def test_up_waits_for_the_ready_hooks(ls_env):
    e = ls_env("--set", "services.aws.with.init_hooks=./hooks", "--no-seed")
    write_hook(e.dir / "hooks", "10-slow.sh",
               f"sleep 5\n{HOOK_AWS} ssm put-parameter --name /hook/done --value yes --type String >/dev/null\n")
    r = up(e)
    assert r.code == 0, r
    port = e.ports["aws"]
    # No polling: the hook's parameter is there the moment up returns.
    assert aws(port, "ssm", "get-parameter", "--name", "/hook/done")["Parameter"]["Value"] == "yes"
    init = json.loads(sh(["curl", "-fsS", f"http://127.0.0.1:{port}/_localstack/init/ready"]).stdout)
    assert init["completed"] is True
    assert [(s["name"], s["state"]) for s in init["scripts"]] == [("10-slow.sh", "SUCCESSFUL")]


def test_a_failing_ready_hook_fails_up_with_its_name_and_output(ls_env):
    e = ls_env("--set", "services.aws.with.init_hooks=./hooks", "--no-seed")
    write_hook(e.dir / "hooks", "20-broken.sh", "echo 'hook says: the fixture file is missing' >&2\nexit 3\n")
    t0 = time.monotonic()
    r = up(e, timeout=300)
    took = time.monotonic() - t0
    assert r.code != 0, r
    text = r.out + r.err
    assert "20-broken.sh" in text, r
    assert "hook says: the fixture file is missing" in text, r
    # At once, not after the probe's 120 s deadline.
    assert "not ready after" not in text, r
    print(f"up failed on the hook after {took:.1f} s")


def test_a_seed_of_a_service_localstack_does_not_serve_is_a_profile_error(project, devenv):
    # SERVICES without dynamodb, the dynamodb seed block still there.
    r = devenv(["config", "aws", "--set", f"services.aws.with.services={SERVICES}"], cwd=project,
               env={"AWS_EMULATOR": "localstack"})
    assert r.code == 2, r
    assert re.search(r"aws\.yaml:\d+:\d+", r.err), r
    assert "seed.aws.dynamodb" in r.err and "does not serve dynamodb" in r.err, r
    assert "hint" in r.err.lower() and "services.aws.with.services" in r.err, r
    # The same in a project's own file points at that file.
    (project / "devenv.yaml").write_text(
        "name: mine\nextends: aws\nservices:\n  aws:\n    with: {eager: true}\n"
        "seed:\n  aws:\n    cognito:\n      user_pools: [{name: p}]\n")
    r = devenv(["config", "--set", f"services.aws.with.services={SERVICES}", "--set", "seed.aws.dynamodb=null"],
               cwd=project, env={"AWS_EMULATOR": "localstack"})
    assert r.code == 2, r
    assert re.search(r"devenv\.yaml:8:5", r.err), r
    assert "does not serve cognito-idp" in r.err, r
    # Dropped, it loads; moto serves every service whatever the list says.
    r = devenv(["config", "aws", "--set", f"services.aws.with.services={SERVICES}", "--set", "seed.aws.dynamodb=null"],
               cwd=project / "..", env={"AWS_EMULATOR": "localstack"})
    assert r.code == 0, r
    r = devenv(["config", "aws", "--set", f"services.aws.with.services={SERVICES}"], cwd=project / "..",
               env={"AWS_EMULATOR": "moto"})
    assert r.code == 0, r

"""Reset means the seeded state, always: random sequences of up, down, seed, reset and container
restarts, with application writes in between, checked after every reset with independent clients
(psql, redis-cli, aws). The sequence is drawn from a seed printed on failure
(DEVENV_SEQUENCE_SEED=N replays one)."""
import json
import os
import random

from conftest import docker
from test_lifecycle import aws, psql, redis
from test_seed import up_seeded

STEPS = int(os.environ.get("DEVENV_SEQUENCE_STEPS", "10"))


def rng_for(name):
    seed = int(os.environ.get("DEVENV_SEQUENCE_SEED", random.randrange(1 << 30)))
    print(f"{name}: DEVENV_SEQUENCE_SEED={seed}")
    return random.Random(seed), seed


def run_sequence(e, profile, write, check, rng, seed):
    """Drives the sequence; `write(step)` changes data as an application would, `check()` asserts
    the seeded state. Every step's command must succeed; every reset must restore the seed."""
    r = up_seeded(e, profile)
    assert r.code == 0, r
    check()
    log = []
    actions = ["write", "reset", "down-up", "seed", "restart", "reset"]
    for step in range(STEPS):
        action = rng.choice(actions)
        log.append(action)
        where = f"seed {seed}, steps {log}"
        if action == "write":
            write(step)
        elif action == "reset":
            write(step)  # something to undo, always
            r = e.devenv("reset")
            assert r.code == 0, (where, r)
            check()
        elif action == "down-up":
            write(step)
            assert e.devenv("down").code == 0, where
            r = up_seeded(e, profile)
            assert r.code == 0, (where, r)
        elif action == "seed":
            r = e.devenv("seed")
            assert r.code == 0, (where, r)
        elif action == "restart":
            for c in e.containers().values():
                docker("restart", "-t", "3", c["Id"], check=True)
            r = e.devenv("wait")
            assert r.code == 0, (where, r)
            # An in-memory emulator (moto) comes back empty: seeding again is the user's next step.
            r = e.devenv("seed")
            assert r.code == 0, (where, r)
    write(STEPS)
    r = e.devenv("reset")
    assert r.code == 0, (f"seed {seed}, steps {log}", r)
    check()


def test_web_reset_after_any_sequence(make_env):
    """PostgreSQL (template baseline), Redis (FLUSHDB + reseed) and S3 on the web profile."""
    e = make_env("web")
    pg, rd, s3 = e.ports["postgres"], e.ports["redis"], e.ports["minio"]
    rng, seed = rng_for("web")

    def write(step):
        psql(pg, f"insert into places (name, location) values ('app-{step}', ST_GeogFromText('POINT(1 {step % 80})'))",
             user="app", password="app-dev", db="app")
        psql(pg, f"create table if not exists app_scratch_{step} (x int)", user="app", password="app-dev", db="app")
        redis(rd, "SET", f"app:key:{step}", "x")
        redis(rd, "HSET", "config:feature-flags", "new-checkout", "off")
        redis(rd, "DEL", "admins")
        aws(s3, "s3api", "put-object", "--bucket", "uploads", "--key", f"app/{step}.txt")
        aws(s3, "s3api", "delete-object", "--bucket", "uploads", "--key", "README.txt")

    def check():
        names = psql(pg, "select string_agg(name, ',' order by name) from places", user="app", password="app-dev", db="app")
        assert names == "Brandenburg Gate,Eiffel Tower", names
        extra = psql(pg, "select count(*) from pg_tables where tablename like 'app_scratch_%'", user="app",
                     password="app-dev", db="app")
        assert extra == "0"
        leftovers = psql(pg, "select string_agg(datname, ',') from pg_database where datname like '%devenv_old%'",
                         user="app", password="app-dev", db="app")
        assert leftovers == "", f"leftover databases: {leftovers}"
        assert sorted(redis(rd, "KEYS", "*").split()) == sorted(
            ["config:feature-flags", "cache:warmup", "queue:emails", "admins", "leaderboard"])
        assert redis(rd, "HGET", "config:feature-flags", "new-checkout") == "on"
        assert sorted(redis(rd, "SMEMBERS", "admins").split()) == ["alice", "carol"]
        keys = [o["Key"] for o in json.loads(aws(s3, "s3api", "list-objects-v2", "--bucket", "uploads")).get("Contents", [])]
        assert keys == ["README.txt"], keys

    run_sequence(e, "web", write, check, rng, seed)


def test_aws_reset_after_any_sequence(make_env):
    """SQS, SSM, S3, Secrets Manager and DynamoDB on the aws profile (moto)."""
    e = make_env("aws")
    p, pg = e.ports["aws"], e.ports["postgres"]
    rng, seed = rng_for("aws")

    def write(step):
        aws(p, "sqs", "create-queue", "--queue-name", f"app-queue-{step}")
        aws(p, "ssm", "put-parameter", "--name", "/acme/api/log-level", "--value", "trace", "--overwrite", "--type", "String")
        aws(p, "ssm", "put-parameter", "--name", f"/app/param-{step}", "--value", "x", "--type", "String")
        aws(p, "dynamodb", "put-item", "--table-name", "acme-orders",
            "--item", json.dumps({"pk": {"S": f"APP#{step}"}, "sk": {"S": "x"}}))
        aws(p, "s3api", "put-object", "--bucket", "acme-exports", "--key", f"app-{step}.csv")
        psql(pg, f"insert into accounts (tenant_id, email) values ('t-app', 'app-{step}@x.test')")

    def check():
        queues = json.loads(aws(p, "sqs", "list-queues") or "{}").get("QueueUrls", [])
        assert sorted(q.rsplit("/", 1)[1] for q in queues) == sorted(
            ["orders-events-dlq", "orders-events", "payments-dlq.fifo", "payments.fifo"]), queues
        level = json.loads(aws(p, "ssm", "get-parameter", "--name", "/acme/api/log-level"))["Parameter"]["Value"]
        assert level == "debug"
        params = json.loads(aws(p, "ssm", "get-parameters-by-path", "--path", "/app", "--recursive"))["Parameters"]
        assert params == []
        count = json.loads(aws(p, "dynamodb", "scan", "--table-name", "acme-orders", "--select", "COUNT"))["Count"]
        assert count == 2
        exports = json.loads(aws(p, "s3api", "list-objects-v2", "--bucket", "acme-exports")).get("Contents", [])
        assert exports == []
        emails = psql(pg, "select string_agg(email, ',' order by email) from accounts")
        assert emails == "alice@acme.test,bob@acme.test", emails

    run_sequence(e, "aws", write, check, rng, seed)

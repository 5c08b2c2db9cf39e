"""Seeds at scale, end to end on the stand-ins, checked with clients devenv does not use (psql,
the aws CLI): the postgres kind's `copy` step (rows there, an unchanged re-seed skips it, a
changed file is copied again, reset restores the file's rows, bad declarations), and an
items_file of 30,000 items streamed into moto (every item there; an unchanged re-seed writes
nothing; `up` notices a changed file without reading it)."""
import json

from test_lifecycle import aws, psql
from test_seed import outcomes, seed_json, write_project

PG = dict(user="app", password="app-pw", db="shop")

COPY_PROJECT = """\
services:
  db:
    template: postgres
    with: {{image: devenv-standin/postgres:17, user: app, password: app-pw, database: app, port: {port}}}
seed:
  db:
    postgres:
      databases:
        - name: shop
          sql:
            - text: "CREATE TABLE IF NOT EXISTS products (id int PRIMARY KEY, name text NOT NULL, price numeric)"
            - text: "CREATE TABLE IF NOT EXISTS notes (id int PRIMARY KEY, body text)"
            - copy: {{table: products, file: data/products.csv, format: csv, header: true}}
            - copy:
                table: public.notes
                file: data/notes.tsv
                format: text
                columns: [id, body]
"""


def products_csv(n, price=1.5):
    return "id,name,price\n" + "".join(f"{i},product {i},{price * i}\n" for i in range(1, n + 1))


def pg_project(e):
    (e.dir / "data").mkdir(exist_ok=True)
    (e.dir / "data" / "products.csv").write_text(products_csv(2500))
    (e.dir / "data" / "notes.tsv").write_text("1\tfirst note\n2\twith a tab\\there\n3\t\\N\n")
    write_project(e, COPY_PROJECT.format(port=e.ports["db"]))


def json_lines(text):
    return [json.loads(l) for l in text.splitlines() if l.strip().startswith("{")]


def test_copy_step_copies_skips_when_unchanged_recopies_a_changed_file_and_reset_restores(make_env):
    e = make_env(None, ports={"db": 5432})
    pg_project(e)
    r = e.devenv("up", "--project-name", e.name, timeout=300)
    assert r.code == 0, r
    port = e.ports["db"]
    assert psql(port, "select count(*), sum(price) from products", **PG) == "2500|4689375.0"
    assert psql(port, "select body from notes where id = 2", **PG) == "with a tab\there"
    assert psql(port, "select body is null from notes where id = 3", **PG) == "t"

    # Unchanged: neither copy runs again (the stamp matches), nothing is duplicated.
    r2, doc = seed_json(e, "seed")
    assert r2.code == 0, r2
    got = outcomes(doc)
    assert got[("postgres", "copy shop: products from data/products.csv")] == "unchanged", doc
    assert got[("postgres", "copy shop: public.notes from data/notes.tsv")] == "unchanged", doc
    assert psql(port, "select count(*) from products", **PG) == "2500"

    # A changed file is copied again: the table then holds exactly the new file's rows.
    (e.dir / "data" / "products.csv").write_text(products_csv(1200, price=2))
    r3, doc = seed_json(e, "seed")
    assert r3.code == 0, r3
    res = {x["resource"]: x for x in doc["resources"]}
    assert res["copy shop: products from data/products.csv"]["outcome"] == "updated", doc
    assert "1200 rows copied" in res["copy shop: products from data/products.csv"]["detail"], doc
    assert psql(port, "select count(*), max(price) from products", **PG) == "1200|2400"

    # The application's writes; the soft reset restores the rows of the file as last seeded.
    psql(port, "insert into products values (99999, 'app made', 0); delete from products where id < 100; "
               "update notes set body = 'changed'", **PG)
    r4 = e.devenv("reset")
    assert r4.code == 0, r4
    assert psql(port, "select count(*), max(price), min(id) from products", **PG) == "1200|2400|1"
    assert psql(port, "select body from notes where id = 1", **PG) == "first note"


def test_copy_step_bad_declarations_name_the_place_and_a_missing_table_fails_the_seed(make_env):
    e = make_env(None, ports={"db": 5432})
    pg_project(e)
    text = (e.dir / "devenv.yaml").read_text()

    # A missing file: a profile error at file:line:col before anything runs.
    write_project(e, text.replace("file: data/notes.tsv", "file: data/nope.tsv"))
    r = e.devenv("config")
    assert r.code == 2, r
    line = next(i for i, l in enumerate((e.dir / "devenv.yaml").read_text().splitlines(), 1) if "nope.tsv" in l)
    assert f"devenv.yaml:{line}:" in r.err and "nope.tsv does not exist" in r.err, r

    # A format that is not one.
    write_project(e, text.replace("format: text", "format: parquet"))
    r = e.devenv("config")
    assert r.code == 2, r
    assert "parquet" in r.err and "csv" in r.err and "devenv.yaml:" in r.err, r

    # header belongs to csv.
    write_project(e, text.replace("format: text", "format: text\n                header: true"))
    r = e.devenv("config")
    assert r.code == 2 and "header is a csv option" in r.err, r

    # A table that does not exist: the seed fails (exit 5) saying which, and where it is declared.
    write_project(e, text.replace("table: public.notes", "table: public.nowhere"))
    r = e.devenv("up", "--project-name", e.name, timeout=300)
    assert r.code == 5, r
    assert "nowhere" in r.out + r.err and "does not exist" in r.out + r.err and "devenv.yaml:" in r.out + r.err, r
    assert psql(e.ports["db"], "select count(*) from products", **PG) == "2500"


ITEMS_PROJECT = """\
services:
  aws:
    template: moto
    with: {{image: devenv-standin/moto:5, services: [dynamodb], port: {port}}}
seed:
  aws:
    dynamodb:
      tables:
        - name: events
          attributes: {{pk: S, sk: S}}
          hash_key: pk
          range_key: sk
          items_file: events.jsonl
"""


def write_items(path, n, changed=None):
    with open(path, "w") as f:
        for i in range(n):
            note = "changed" if i == changed else f"event {i}"
            f.write(json.dumps({"pk": f"user#{i % 500}", "sk": f"event#{i:06d}", "n": i, "note": note}) + "\n")


def test_a_30000_item_file_is_streamed_in_whole_and_up_notices_a_changed_file(make_env):
    e = make_env(None, ports={"aws": 4566})
    port = e.ports["aws"]
    write_items(e.dir / "events.jsonl", 30000)
    write_project(e, ITEMS_PROJECT.format(port=port))
    r = e.devenv("up", "--project-name", e.name, timeout=600)
    assert r.code == 0, r
    count = json.loads(aws(port, "dynamodb", "scan", "--table-name", "events", "--select", "COUNT"))["Count"]
    assert count == 30000

    r2, doc = seed_json(e, "seed")
    assert r2.code == 0, r2
    res = {x["resource"]: x for x in doc["resources"]}
    assert res["items of events: 30000"]["outcome"] == "unchanged", doc

    # Already up and nothing changed: up does not seed.
    r3 = e.devenv("up", "--project-name", e.name, "--json", timeout=120)
    assert r3.code == 0, r3
    lines = json_lines(r3.out)
    assert lines[-1]["event"] == "up" and lines[-1]["already_up"] is True, r3.out
    assert not any(l.get("event") == "seed" for l in lines), r3.out

    # The file changes (one item): the next up sees it by the file's size/time/inode and seeds.
    write_items(e.dir / "events.jsonl", 30000, changed=12345)
    r4 = e.devenv("up", "--project-name", e.name, "--json", timeout=600)
    assert r4.code == 0, r4
    seed = [l for l in json_lines(r4.out) if l.get("event") == "seed"]
    assert seed, r4.out
    res = {x["resource"]: x for x in seed[0]["resources"]}
    assert res["items of events: 30000"]["outcome"] == "updated", seed
    assert "1 of 30000 items written" in res["items of events: 30000"]["detail"], seed
    got = json.loads(aws(port, "dynamodb", "get-item", "--table-name", "events",
                         "--key", json.dumps({"pk": {"S": "user#345"}, "sk": {"S": "event#012345"}})))
    assert got["Item"]["note"]["S"] == "changed", got


def test_an_items_file_that_breaks_half_way_fails_with_its_line(make_env):
    e = make_env(None, ports={"aws": 4566})
    port = e.ports["aws"]
    write_items(e.dir / "events.jsonl", 2000)
    with open(e.dir / "events.jsonl", "a") as f:
        f.write("{not json}\n")
    write_project(e, ITEMS_PROJECT.format(port=port))
    r = e.devenv("up", "--project-name", e.name, timeout=300)
    assert r.code == 5, r
    assert "events.jsonl:2001" in r.out + r.err, r


def test_unprocessed_items_are_retried_until_every_item_is_written(make_env):
    """DynamoDB answers a busy BatchWriteItem with UnprocessedItems: the fault proxy in front of
    moto lets 10 of each call's 25 items through and hands back the rest, every time. The seed
    retries them (with backoff) until all 1,000 are in; the aws CLI, straight to moto, counts them."""
    import yaml
    from fault_proxy import FaultProxy

    e = make_env(None, ports={"aws": 4566})
    proxy = FaultProxy(e.ports["aws"])
    try:
        write_items(e.dir / "events.jsonl", 1000)
        profile = {
            "services": {"aws": {"template": "moto", "with": {"image": "devenv-standin/moto:5", "services": ["dynamodb"]},
                                 "probe": {"host": "127.0.0.1", "port": proxy.port}}},
            "seed": {"aws": {"dynamodb": {"tables": [{"name": "events", "attributes": {"pk": "S", "sk": "S"},
                                                      "hash_key": "pk", "range_key": "sk",
                                                      "items_file": "events.jsonl"}]}}},
        }
        (e.dir / "devenv.yaml").write_text(yaml.safe_dump(profile, sort_keys=False))
        r = e.devenv("up", "--project-name", e.name, "--port-offset", str(e.offset), "--no-seed", timeout=300)
        assert r.code == 0, r
        proxy.shed_batch_writes(10)
        r = e.devenv("seed", "--json", timeout=300)
        seen = [s for s in proxy.seen if s.op.endswith("BatchWriteItem")]
        proxy.disarm()
        assert r.code == 0, r
        count = json.loads(aws(e.ports["aws"], "dynamodb", "scan", "--table-name", "events", "--select", "COUNT"))["Count"]
        assert count == 1000
        # 40 calls of 25 items, each taking three attempts (10, 10, 5 items): every retry was sent.
        assert len(seen) == 120, [s.answered for s in seen]
    finally:
        proxy.close()


REDIS_PROJECT = """\
services:
  cache:
    template: redis
    with: {{image: devenv-standin/redis:8, port: {port}}}
seed:
  cache:
    redis:
      db: 0
      keys:
        - {{key: inline, value: here}}
      keys_file: keys.jsonl
"""


def test_redis_keys_file_is_seeded_reseeded_unchanged_and_reset(make_env):
    from test_lifecycle import redis

    e = make_env(None, ports={"cache": 6379})
    with open(e.dir / "keys.jsonl", "w") as f:
        for i in range(5000):
            f.write(json.dumps({"key": f"k:{i:05d}", "value": f"v{i}"}) + "\n")
        f.write(json.dumps({"key": "flags", "type": "hash", "value": {"beta": "on"}, "ttl": "1h"}) + "\n")
        f.write(json.dumps({"key": "jobs", "type": "list", "value": ["a", "b"]}) + "\n")
    write_project(e, REDIS_PROJECT.format(port=e.ports["cache"]))
    r = e.devenv("up", "--project-name", e.name, timeout=300)
    assert r.code == 0, r
    port = e.ports["cache"]
    assert redis(port, "DBSIZE") == "5003"
    assert redis(port, "GET", "k:04999") == "v4999"
    assert redis(port, "HGET", "flags", "beta") == "on" and 0 < int(redis(port, "TTL", "flags")) <= 3600
    assert redis(port, "LRANGE", "jobs", "0", "-1").split() == ["a", "b"]

    r2, doc = seed_json(e, "seed")
    assert r2.code == 0, r2
    assert {v for v in outcomes(doc).values()} == {"unchanged"}, doc
    # The file's 5,002 keys are one resource, counted (as an items_file's items are): the
    # results held and shown do not grow with the file.
    from_file = [x for x in doc["resources"] if x["resource"] == "keys of keys.jsonl"]
    assert len(from_file) == 1 and from_file[0]["detail"] == "5002 keys as declared", doc
    assert not [x for x in doc["resources"] if x["resource"].startswith("key k:")], doc

    redis(port, "SET", "k:00007", "changed")
    redis(port, "SET", "app:made", "x")
    redis(port, "RPUSH", "jobs", "c")
    r3 = e.devenv("reset")
    assert r3.code == 0, r3
    assert redis(port, "DBSIZE") == "5003"
    assert redis(port, "GET", "k:00007") == "v7"
    assert redis(port, "LRANGE", "jobs", "0", "-1").split() == ["a", "b"]

    # A line of the wrong shape fails the file's keys with its number (exit 5).
    with open(e.dir / "keys.jsonl", "a") as f:
        f.write(json.dumps({"key": "bad", "type": "stream", "value": 1}) + "\n")
    r4 = e.devenv("seed")
    assert r4.code == 5, r4
    assert "keys.jsonl: key 5003" in r4.out + r4.err and "stream" in r4.out + r4.err, r4

"""End to end on a real Docker engine: the built-in `aws` and `web` profiles (on the stand-in
images) through up, status, wait, logs and down, data across down/up, and the faults: a
container that exits during the wait, no engine, a port already taken, two `up` at once,
Ctrl-C, two copies side by side. Every test has its own Compose project, removed at the end
(make_env in conftest.py), and its own host ports (a random --port-offset)."""
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from datetime import datetime, timezone

import pytest

from conftest import DEVENV, docker, free_offset, no_seed_option

CLIENT_ENV = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
              "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "", "AWS_EC2_METADATA_DISABLED": "true"}


def sh(argv, env=None, timeout=60):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env={**CLIENT_ENV, **(env or {})})


def psql(port, sql, user="acme", password="acme-dev", db="acme"):
    p = sh(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", db, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
           env={"PGPASSWORD": password, "PGCONNECT_TIMEOUT": "5"})
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def redis(port, *args):
    p = sh(["redis-cli", "-h", "127.0.0.1", "-p", str(port), *args])
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def aws(port, *args):
    p = sh(["aws", "--endpoint-url", f"http://127.0.0.1:{port}", "--output", "json", *args], timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


def status_json(e, *args):
    r = e.devenv("status", "--json", *args)
    assert r.code in (0, 4), r
    return r, json.loads(r.out)


def assert_all_ready_up(r, services):
    assert r.code == 0, r
    assert re.search(r"is up in \d", r.out), r
    for s in services:
        assert re.search(rf"^\s+{re.escape(s)}\s+ready in \d+\.\d s", r.out, re.M), r


# --- The aws profile: up, status, wait, logs, down ----------------------------------------------

def test_aws_up_status_wait_logs(make_env):
    e = make_env("aws")
    r = e.up("aws")
    assert_all_ready_up(r, ["aws", "postgres"])
    assert f"http://localhost:{e.ports['aws']}" in r.out  # the endpoint, shifted by the offset
    assert "acme-dev" not in r.out                        # the password is masked in the summary

    # Status as text: no profile named, it reloads what `up` recorded (offset, --set, AWS_EMULATOR).
    r = e.devenv("status", env={"AWS_EMULATOR": ""})
    assert r.code == 0, r
    assert f"project {e.name}" in r.out
    for svc, port in (("aws", e.ports["aws"]), ("postgres", e.ports["postgres"])):
        line = next((l for l in r.out.splitlines() if l.strip().startswith(svc + " ")), None)
        assert line, r
        assert "running" in line and re.search(r"ok \d+ms", line) and f"{port}->" in line, line
    assert "all services ready" in r.out

    # Status as JSON.
    r, doc = status_json(e)
    assert r.code == 0, r
    assert doc["schema_version"] == 1 and doc["project"] == e.name and doc["profile"] == "aws" and doc["ready"] is True
    by = {s["name"]: s for s in doc["services"]}
    assert set(by) == {"aws", "postgres"}
    for name, s in by.items():
        assert s["ready"] is True
        assert s["container"]["state"] == "running" and s["container"]["restarts"] == 0
        assert s["container"]["health"] in ("healthy", "starting"), s  # both templates carry a healthcheck
        assert s["probe"]["ok"] is True and s["probe"]["latency_ms"] > 0
        assert {p["host_port"] for p in s["ports"]} == {e.ports[name]}, s["ports"]
    assert by["postgres"]["probe"]["kind"] == "postgres" and by["aws"]["probe"]["kind"] == "aws"

    # Only one service.
    r, doc = status_json(e, "postgres")
    assert r.code == 0 and [s["name"] for s in doc["services"]] == ["postgres"], r
    r = e.devenv("status", "postgress")
    assert r.code == 2 and "did you mean 'postgres'" in r.err, r

    # wait on a running environment.
    r = e.devenv("wait")
    assert r.code == 0, r
    assert re.search(r"aws\s+ready in", r.err) and re.search(r"postgres\s+ready in", r.err), r
    r = e.devenv("wait", "--json", "postgres")
    assert r.code == 0, r
    events = [json.loads(l) for l in r.out.splitlines() if l.strip()]
    assert {ev["service"] for ev in events} == {"postgres"}
    assert any(ev["event"] == "ready" for ev in events), events

    # logs: merged with a prefix per service; one service without prefix; --tail.
    r = e.devenv("logs")
    assert r.code == 0, r
    assert re.search(r"^postgres\s*\| ", r.out, re.M) and re.search(r"^aws\s*\| ", r.out, re.M), r
    r = e.devenv("logs", "postgres")
    assert r.code == 0, r
    assert "database system is ready to accept connections" in r.out
    assert not re.search(r"^aws\s*\|", r.out, re.M)
    r = e.devenv("logs", "postgres", "--tail", "3")
    assert r.code == 0, r
    assert len(r.out.splitlines()) == 3, r
    r = e.devenv("logs", "--tail", "2")
    assert r.code == 0 and len(r.out.splitlines()) == 4, r

    # A stopped service: status exits 4 and says which.
    docker("stop", "-t", "5", e.containers()["postgres"]["Id"], check=True)
    r = e.devenv("status")
    assert r.code == 4, r
    pg = next(l for l in r.out.splitlines() if l.strip().startswith("postgres "))
    assert "exited" in pg, r
    assert "not all services are ready" in r.out
    r, doc = status_json(e)
    assert r.code == 4 and doc["ready"] is False
    by = {s["name"]: s for s in doc["services"]}
    assert by["postgres"]["container"]["state"] == "exited" and by["postgres"]["ready"] is False
    assert by["aws"]["ready"] is True

    # Started again another way: `wait` sees it come back.
    docker("start", e.containers()["postgres"]["Id"], check=True)
    r = e.devenv("wait", "--timeout", "60s")
    assert r.code == 0, r
    assert e.devenv("status").code == 0

    # down: containers gone, named volumes kept; status then says not ready.
    r = e.devenv("down")
    assert r.code == 0, r
    assert e.containers() == {}
    assert e.volumes() == [f"{e.name}_postgres-data"]
    r = e.devenv("status")
    assert r.code == 4 and "absent" in r.out, r


def test_aws_data_kept_across_down_up_then_down_volumes(make_env):
    e = make_env("aws")
    assert_all_ready_up(e.up("aws"), ["aws", "postgres"])
    pg, ap = e.ports["postgres"], e.ports["aws"]
    psql(pg, "create table notes (id int primary key, body text); insert into notes values (1, 'kept across down/up')")
    # moto keeps its state in memory: written and read while up (nothing to keep across down/up).
    aws(ap, "s3", "mb", "s3://e2e-bucket")
    put = sh(["aws", "--endpoint-url", f"http://127.0.0.1:{ap}", "s3", "cp", "-", "s3://e2e-bucket/hello.txt"])
    assert put.returncode == 0, put.stderr
    aws(ap, "dynamodb", "create-table", "--table-name", "e2e-table", "--attribute-definitions",
        "AttributeName=pk,AttributeType=S", "--key-schema", "AttributeName=pk,KeyType=HASH",
        "--billing-mode", "PAY_PER_REQUEST")
    assert "e2e-table" in json.loads(aws(ap, "dynamodb", "list-tables"))["TableNames"]
    assert "hello.txt" in aws(ap, "s3api", "list-objects-v2", "--bucket", "e2e-bucket")

    r = e.devenv("down")
    assert r.code == 0, r
    assert e.containers() == {}
    assert f"{e.name}_postgres-data" in e.volumes()

    r = e.up("aws")
    assert_all_ready_up(r, ["aws", "postgres"])
    assert psql(pg, "select body from notes where id = 1") == "kept across down/up"

    r = e.devenv("down", "--volumes")
    assert r.code == 0, r
    assert e.containers() == {} and e.volumes() == []
    assert not (e.dir / ".devenv" / "state.json").exists()

    assert_all_ready_up(e.up("aws"), ["aws", "postgres"])
    assert psql(pg, "select count(*) from pg_tables where tablename = 'notes'") == "0"


def test_up_again_is_a_fast_noop_and_a_changed_profile_is_applied(make_env):
    e = make_env("aws")
    assert_all_ready_up(e.up("aws"), ["aws", "postgres"])
    before = {s: c["Id"] for s, c in e.containers().items()}

    r = e.up("aws")
    assert r.code == 0, r
    assert "aws is already up" in r.out, r
    assert r.secs < 5, r.secs  # no Compose run, one probe round (the figure is in bench/)
    assert {s: c["Id"] for s, c in e.containers().items()} == before

    # A changed profile: Compose recreates the changed service only.
    r = e.up("aws", "--set", "services.postgres.environment.E2E_MARK=changed")
    assert r.code == 0, r
    assert "already up" not in r.out
    after = e.containers()
    assert after["aws"]["Id"] == before["aws"]
    assert after["postgres"]["Id"] != before["postgres"]
    assert "E2E_MARK=changed" in after["postgres"]["Config"]["Env"]
    # ... and later commands see the changed profile.
    r = e.devenv("status")
    assert r.code == 0, r
    r = e.up("aws", "--set", "services.postgres.environment.E2E_MARK=changed")
    assert r.code == 0 and "already up" in r.out, r


# --- The web profile ---------------------------------------------------------------------------

def test_web_lifecycle_and_data_kept(make_env):
    e = make_env("web")
    r = e.up("web")
    assert_all_ready_up(r, ["postgres", "redis", "minio"])

    r, doc = status_json(e)
    assert r.code == 0, r
    by = {s["name"]: s for s in doc["services"]}
    assert {n: s["probe"]["kind"] for n, s in by.items()} == {"postgres": "postgres", "redis": "redis", "minio": "http"}
    assert all(s["ready"] and s["container"]["state"] == "running" for s in by.values()), doc
    assert {p["host_port"] for p in by["minio"]["ports"]} == {e.ports["minio"], e.ports["minio-console"]}

    pg, rd, s3 = e.ports["postgres"], e.ports["redis"], e.ports["minio"]
    psql(pg, "create extension if not exists postgis; create table e2e_places (name text, g geography(Point,4326));"
             "insert into e2e_places values ('gate', ST_GeogFromText('POINT(13.3777 52.5163)'))",
         user="app", password="app-dev", db="app")
    assert redis(rd, "SET", "e2e:key", "kept") == "OK"
    aws(s3, "s3", "mb", "s3://uploads")
    assert "uploads" in aws(s3, "s3api", "list-buckets")

    r = e.devenv("logs", "redis", "--tail", "5")
    assert r.code == 0 and 0 < len(r.out.splitlines()) <= 5, r

    r = e.devenv("down")
    assert r.code == 0, r
    assert e.containers() == {}
    assert set(e.volumes()) == {f"{e.name}_postgres-data", f"{e.name}_redis-data", f"{e.name}_minio-data"}

    assert_all_ready_up(e.up("web"), ["postgres", "redis", "minio"])
    assert psql(pg, "select name, ST_AsText(g::geometry) from e2e_places", user="app", password="app-dev",
                db="app") == "gate|POINT(13.3777 52.5163)"
    assert redis(rd, "GET", "e2e:key") == "kept"   # append-only file on the named volume

    r = e.devenv("down", "--volumes")
    assert r.code == 0, r
    assert e.containers() == {} and e.volumes() == []


# --- Faults ---------------------------------------------------------------------------------------

def write_profile(e, text):
    (e.dir / "devenv.yaml").write_text(text)


def test_container_exiting_during_the_wait_fails_fast_with_its_log(make_env):
    e = make_env(None, ports={"app": 8080})
    write_profile(e, f"""name: crashy
services:
  app:
    image: devenv-standin/redis:8
    command: [sh, -c, "echo starting the app; echo e2e-fatal: cannot read config >&2; sleep 1; exit 3"]
    ports: ["8080:8080"]
    # Not tcp: docker-proxy accepts on a published port whether the container listens or not.
    probe: {{kind: log, pattern: "listening on", timeout: 120s}}
""")
    r = e.devenv("up", "--project-name", e.name, "--port-offset", str(e.offset), timeout=120)
    ended = datetime.now(timezone.utc)
    assert r.code == 4, r
    assert "app" in r.err and "exited with code 3" in r.err, r
    assert "e2e-fatal: cannot read config" in r.err and "starting the app" in r.err, r
    finished = e.containers()["app"]["State"]["FinishedAt"]
    finished = datetime.fromisoformat(re.sub(r"(\.\d{6})\d*", r"\1", finished).replace("Z", "+00:00"))
    assert (ended - finished).total_seconds() < 5, (ended, finished)  # fail fast: ~2 s, not the 120 s timeout
    # The failed environment can still be inspected and taken down without naming it again.
    s = e.devenv("status")
    assert s.code == 4 and "exited (3)" in s.out, s
    d = e.devenv("down", "--volumes")
    assert d.code == 0, d
    assert e.containers() == {}


def test_no_engine_exits_3_fast_and_says_what_to_do(make_env):
    e = make_env("aws")
    env = {"DOCKER_HOST": "unix:///nonexistent.sock"}
    r = e.devenv(*e.up_args("aws"), env=env, timeout=30)
    assert r.code == 3, r
    assert r.secs < 3, r.secs
    assert "/nonexistent.sock" in r.err and re.search(r"start|DOCKER_HOST", r.err), r
    for args in (["status"], ["status", "--json"], ["down"], ["logs"], ["wait"]):
        r = e.devenv(*args, "-p", "aws", "--project-name", e.name, env=env, timeout=30)
        assert r.code == 3, (args, r)
        assert r.secs < 3, (args, r.secs)
    assert e.containers() == {}


def test_port_taken_starts_nothing_and_names_port_service_holder(make_env):
    e = make_env("aws")
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("127.0.0.1", e.ports["postgres"]))
    holder.listen(1)
    try:
        r = e.up("aws", timeout=60)
    finally:
        holder.close()
    assert r.code != 0, r
    assert str(e.ports["postgres"]) in r.err and "postgres" in r.err, r
    assert f"pid {os.getpid()}" in r.err, r  # the holder: this test's process
    assert "nothing was started" in r.err
    assert e.containers() == {} and e.volumes() == []


def test_two_concurrent_up_in_one_project(make_env):
    e = make_env("aws")
    env = {**os.environ, **e.env, "NO_COLOR": "1"}
    argv = [DEVENV, *e.up_args("aws")]
    first = subprocess.Popen(argv, cwd=e.dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    second = subprocess.Popen(argv, cwd=e.dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out1, err1 = first.communicate(timeout=300)
    out2, err2 = second.communicate(timeout=300)
    assert first.returncode == 0, (out1, err1)
    assert "aws is up in" in out1, out1
    # The second waits up to 10 s for the first's lock: then it finds everything up, or it gives
    # up naming the holder (the first up, still waiting for a slow start) and changes nothing.
    if second.returncode == 0:
        assert "aws is already up" in out2, (out2, err2)
    else:
        assert f"pid {first.pid}, `devenv up`" in err2 and "another devenv command" in err2, (out2, err2)
        assert out2 == ""
    assert len(e.containers()) == 2
    assert e.devenv("status").code == 0


def test_lock_holder_is_named_when_it_keeps_the_project(make_env):
    e = make_env(None, ports={"app": 8080})
    write_profile(e, """name: slow
services:
  app:
    image: devenv-standin/redis:8
    command: [sh, -c, "echo never ready; exec sleep 600"]
    ports: ["8080:8080"]
    stop_signal: SIGKILL
    probe: {kind: http, port: 8080, timeout: 120s}
""")
    env = {**os.environ, "NO_COLOR": "1"}
    argv = [DEVENV, "up", "--project-name", e.name, "--port-offset", str(e.offset)]
    first = subprocess.Popen(argv, cwd=e.dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_line(first, "probing", 60)
        r = e.devenv("up", "--project-name", e.name, "--port-offset", str(e.offset), timeout=60)
        assert r.code != 0, r
        assert f"pid {first.pid}" in r.err and "devenv up" in r.err, r
        assert 9 < r.secs < 30, r.secs  # it waited for the lock first
    finally:
        first.send_signal(signal.SIGINT)
        first.wait(timeout=30)
    assert first.returncode == 130, first.reader.text()
    assert "interrupted" in first.reader.text()


class LineReader:
    def __init__(self, proc):
        self.lines = []
        self.cv = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(proc.stderr,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for line in stream:
            with self.cv:
                self.lines.append(line)
                self.cv.notify_all()

    def text(self, timeout=30):
        """All of stderr, once the process closed it."""
        self.thread.join(timeout)
        return "".join(self.lines)

    def wait_for(self, text, timeout):
        with self.cv:
            ok = self.cv.wait_for(lambda: any(text in l for l in self.lines), timeout)
        assert ok, f"no '{text}' within {timeout} s: {''.join(self.lines)}"


def wait_for_line(proc, text, timeout):
    if not hasattr(proc, "reader"):
        proc.reader = LineReader(proc)
    proc.reader.wait_for(text, timeout)


def test_ctrl_c_during_the_wait(make_env):
    e = make_env("aws")
    env = {**os.environ, **e.env, "NO_COLOR": "1"}
    proc = subprocess.Popen([DEVENV, *e.up_args("aws")], cwd=e.dir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_for_line(proc, "probing", 120)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    out = proc.stdout.read()
    err = proc.reader.text()
    assert proc.returncode == 130, (out, err)
    assert "interrupted" in err, err
    assert "ready in" not in out
    # The containers keep running and the project stays usable from its .devenv/.
    cs = e.containers()
    assert set(cs) == {"aws", "postgres"} and all(c["State"]["Running"] for c in cs.values())
    assert (e.dir / ".devenv" / "compose.yaml").exists()
    r = e.devenv("wait", "--timeout", "60s")  # the recorded profile, options and project
    assert r.code == 0, r
    r = e.devenv("status", "--json")
    assert r.code == 0 and json.loads(r.out)["project"] == e.name, r
    # Not a no-op: the interrupted up did not finish; this one does.
    r = e.up("aws")
    assert r.code == 0, r
    r = e.devenv("down", "--volumes")
    assert r.code == 0, r
    assert e.containers() == {}


def test_two_copies_side_by_side_with_port_offset(make_env):
    a = make_env("aws")
    b = make_env("aws")
    procs = []
    for e in (a, b):
        procs.append(subprocess.Popen([DEVENV, *e.up_args("aws")], cwd=e.dir, env={**os.environ, **e.env, "NO_COLOR": "1"},
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, (out, err)
    for e in (a, b):
        r, doc = status_json(e)
        assert r.code == 0, r
        assert doc["project"] == e.name
        assert {s["name"]: s["ports"][0]["host_port"] for s in doc["services"]} == e.ports
    psql(a.ports["postgres"], "create table only_in_a (x int)")
    # A third copy on a's ports: refused before anything starts, naming a's containers.
    c = make_env("aws")
    r = c.devenv("up", "aws", *c.base_args, "--project-name", c.name, "--port-offset", str(a.offset),
                 *no_seed_option(), timeout=60)
    assert r.code != 0, r
    for svc, port in a.ports.items():
        assert f"port {port} (wanted by {svc}) is taken by container {a.name}-{svc}-1 (Compose project {a.name})" in r.err, r
    assert c.containers() == {} and c.volumes() == []
    assert psql(b.ports["postgres"], "select count(*) from pg_tables where tablename = 'only_in_a'") == "0"
    # Taking one down leaves the other alone.
    assert a.devenv("down", "--volumes").code == 0
    assert a.containers() == {} and a.volumes() == []
    r = b.devenv("status")
    assert r.code == 0, r
    assert len(b.containers()) == 2 and b.volumes() == [f"{b.name}_postgres-data"]

"""Fault drills on the web profile's data services (PostgreSQL, Redis and moto serving S3 as
`minio`, on the stand-in images): a service container killed (`docker kill`) or restarted
(`docker restart`) while `seed` or `reset` talks to it, a service paused during `reset`, and
`up` in one shell while `reset` runs in another.

To make the kill land while devenv's seeder is really waiting on the service (a seed of a few
keys takes milliseconds, so a kill "at some delay" would mostly land before or after it), the
drill first freezes the container's processes (SIGSTOP; Docker still reports it running, so
devenv goes ahead), starts the command, waits until the devenv
process holds an established connection to the service's host port (`ss`), and only then kills
or restarts the container: the seeder is then mid-request, exactly as when a service dies under
it. Afterwards every drill reruns what the user would (`devenv up`, then the same `seed` or
`reset`) and checks the declared state with psql, redis-cli and aws, not with devenv."""
import json
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import DEVENV, docker
from test_lifecycle import aws, psql, redis
from test_seed import up_seeded

APP = dict(user="app", password="app-dev", db="app")


def spawn(e, *args):
    env = {**os.environ, **e.env, "NO_COLOR": "1"}
    return subprocess.Popen([DEVENV, *args], cwd=e.dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def connected(pid, port):
    """True when process `pid` has an established TCP connection to 127.0.0.1:port (or ::1)."""
    p = subprocess.run(["ss", "-Htnp", "state", "established", f"( dport = :{port} )"], capture_output=True,
                       text=True, timeout=10)
    return f"pid={pid}," in p.stdout


def wait_connected(proc, port, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if connected(proc.pid, port):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def container_pids(cid):
    p = docker("top", cid, "-eo", "pid", check=True)
    return [int(x) for x in p.stdout.split()[1:]]


def freeze(cid):
    """Stops every process of the container (SIGSTOP) while Docker still reports it running:
    connections to it are accepted by the kernel and then wait, as with a hung server."""
    for pid in container_pids(cid):
        os.kill(pid, signal.SIGSTOP)


def thaw(cid):
    if docker("inspect", "-f", "{{.State.Running}}", cid).stdout.strip() != "true":
        return
    for pid in container_pids(cid):
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


def thaw_paused(cid):
    """SIGCONT to a container's processes while it is paused: they stay frozen by the pause."""
    for pid in container_pids(cid):
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


def web_state(e):
    """What the web profile declares, read with independent clients; {} parts when unreachable."""
    pg, rd, s3 = e.ports["postgres"], e.ports["redis"], e.ports["minio"]
    names = psql(pg, "select string_agg(name, ',' order by name) from places", **APP)
    scratch = psql(pg, "select count(*) from pg_tables where tablename like 'app_scratch_%'", **APP)
    leftovers = psql(pg, "select coalesce(string_agg(datname, ','), '') from pg_database "
                         "where datname like '%devenv%'", **APP)
    keys = sorted(redis(rd, "KEYS", "*").split())
    flag = redis(rd, "HGET", "config:feature-flags", "new-checkout")
    buckets = sorted(b["Name"] for b in json.loads(aws(s3, "s3api", "list-buckets"))["Buckets"])
    objects = [o["Key"] for o in json.loads(aws(s3, "s3api", "list-objects-v2", "--bucket", "uploads")).get("Contents", [])]
    return {"places": names, "scratch_tables": scratch, "leftover_dbs": leftovers, "redis_keys": keys,
            "flag": flag, "buckets": buckets, "uploads": objects}


DECLARED = {"places": "Brandenburg Gate,Eiffel Tower", "scratch_tables": "0",
            "redis_keys": sorted(["config:feature-flags", "cache:warmup", "queue:emails", "admins", "leaderboard"]),
            "flag": "on", "buckets": ["avatars", "exports", "uploads"], "uploads": ["README.txt"]}


def assert_declared(e, baseline_dbs):
    got = web_state(e)
    want = {**DECLARED, "leftover_dbs": baseline_dbs}
    assert got == want, got


def app_writes(e, tag):
    """What an application does between seeds: rows, a table, keys, an object; and it deletes
    some seeded data."""
    pg, rd, s3 = e.ports["postgres"], e.ports["redis"], e.ports["minio"]
    psql(pg, f"insert into places (name, location) values ('app-{tag}', ST_GeogFromText('POINT(1 1)'))", **APP)
    psql(pg, f"create table if not exists app_scratch_{tag} (x int)", **APP)
    redis(rd, "SET", f"app:{tag}", "x")
    redis(rd, "DEL", "admins")
    aws(s3, "s3api", "put-object", "--bucket", "uploads", "--key", f"app/{tag}.txt")


def wipe(e, service):
    """Takes away what the seed created on one service, so a `seed` has work to do on it."""
    pg, rd, s3 = e.ports["postgres"], e.ports["redis"], e.ports["minio"]
    if service == "postgres":
        # SQL steps that already ran on this cluster are not run again (state.json records
        # them), so there is nothing to take away: the seed still connects, compares the
        # roles, databases and extensions, and is killed while it does.
        return
    if service == "redis":
        redis(rd, "FLUSHDB")
    else:
        for key in ("README.txt",):
            aws(s3, "s3api", "delete-object", "--bucket", "uploads", "--key", key)
        aws(s3, "s3api", "delete-bucket", "--bucket", "avatars")


@pytest.fixture
def web(make_env):
    e = make_env("web")
    r = up_seeded(e, "web")
    assert r.code == 0, r
    # The reset baseline devenv keeps next to the database (a template copy) is part of the
    # declared state; any other database with "devenv" in its name is a leftover.
    e.baseline_dbs = psql(e.ports["postgres"], "select coalesce(string_agg(datname, ','), '') from pg_database "
                                               "where datname like '%devenv%'", **APP)
    assert_declared(e, e.baseline_dbs)
    return e


def drill(e, service, command, action):
    """Freezes `service`, starts `command`, waits until devenv is connected to it, then kills or
    restarts its container. Returns (result code, stdout, stderr, seconds from the fault to exit)."""
    cid = e.containers()[service]["Id"]
    port = e.ports[service]
    freeze(cid)
    proc = spawn(e, command)
    try:
        assert wait_connected(proc, port), f"{command} never connected to {service} (port {port})"
        t0 = time.monotonic()
        if action == "kill":
            docker("kill", cid, check=True)
        else:
            docker("restart", "-t", "2", cid, check=True)
        out, err = proc.communicate(timeout=120)
        took = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        thaw(cid)
    return proc.returncode, out, err, took


def converge(e, command):
    """What the user does next: `up` (starts what is not running, seeds) and the command again."""
    r = up_seeded(e, "web")
    assert r.code == 0, r
    r = e.devenv(command, timeout=300)
    assert r.code == 0, r


@pytest.mark.parametrize("service", ["postgres", "redis", "minio"])
def test_service_killed_or_restarted_during_seed_and_reset(web, service):
    """What the user sees: `devenv seed` (or `reset`) ends within seconds with exit 5 and a line
    naming the service that went away (or, after a restart that completed in time, exit 0 with
    the declared state); the other services are seeded as usual. A rerun of `up` and the same
    command brings everything back to the declared state: nothing of an application's writes
    survives a reset, nothing seeded is missing, no leftover database."""
    e = web
    figures = []
    drills = [(c, a) for c in ("seed", "reset") for a in ("kill", "restart")]
    for step, (command, action) in enumerate(drills):
        if command == "seed":
            wipe(e, service)
        else:
            app_writes(e, f"{action}{step}")
        code, out, err, took = drill(e, service, command, action)
        lines = (out + err).splitlines()
        said = next((l.strip() for l in lines if "failed:" in l), "") or \
            next((l.strip() for l in lines if service in l and re.search("fail|error", l, re.I)), "")
        figures.append(f"{command}/{action} {service}: exit {code} {took:.1f} s after the fault: {' '.join(said.split())[:200]}")
        assert "terminate called" not in err and "Aborted" not in err, err
        assert took < 60, f"{command} took {took:.0f} s after the {action}"
        if code == 0:
            # The restart finished before devenv needed the service again: then what it did is
            # what was declared.
            assert action == "restart", (code, out, err)
            assert_declared(e, e.baseline_dbs)
        else:
            assert code == 5, (action, code, out, err)
            assert re.search(rf"\b{service}\b.*(fail|refused|reset|closed|connect|lost|Empty|empty)", out + err,
                             re.I | re.S), (out, err)
        state = e.dir / ".devenv" / "state.json"
        json.loads(state.read_text())  # whole
        converge(e, command)
        assert_declared(e, e.baseline_dbs)
    print("; ".join(figures))


def test_paused_service_during_reset_fails_in_bounded_time_then_converges(web):
    """`docker pause` of PostgreSQL while `devenv reset` talks to it (the pause lands while the
    reset is connected: its processes are first stopped with SIGSTOP, then the container is
    paused, then SIGCONT leaves it frozen by the pause alone). What the user sees: the reset ends
    within a bounded time with exit 5 naming postgres (never a hang); the other services are
    reset. After `docker unpause` a second reset restores the declared state. A pause before the
    reset starts gives exit 4 at once ("postgres has no running container")."""
    e = web
    app_writes(e, "paused")
    pg = e.containers()["postgres"]["Id"]
    docker("pause", pg, check=True)
    try:
        before = e.devenv("reset", timeout=60)
    finally:
        docker("unpause", pg, check=True)
    assert before.code == 4 and "postgres has no running container" in before.err, before
    freeze(pg)
    reset = spawn(e, "reset")
    try:
        assert wait_connected(reset, e.ports["postgres"]), "reset never reached postgres"
        docker("pause", pg, check=True)
        thaw_paused(pg)
        t0 = time.monotonic()
        out, err = reset.communicate(timeout=180)
        took = time.monotonic() - t0
    finally:
        if docker("inspect", "-f", "{{.State.Paused}}", pg).stdout.strip() == "true":
            docker("unpause", pg)
        thaw(pg)
        if reset.poll() is None:
            reset.kill()
            reset.communicate()
    said = next((l.strip() for l in (out + err).splitlines() if "postgres" in l and "fail" in l), "")
    print(f"reset against paused postgres: exit {reset.returncode} in {took:.1f} s: {said}")
    assert reset.returncode == 5, (out, err)
    assert "postgres" in out + err
    assert took < 60, f"reset against a paused service took {took:.0f} s"
    r = e.devenv("reset")
    assert r.code == 0, r
    assert_declared(e, e.baseline_dbs)


def test_up_while_reset_runs(web):
    """`devenv up` in one shell while `devenv reset` runs in another: the reset is held up for
    3 s by a frozen PostgreSQL (its processes stopped with SIGSTOP). What the user sees: the `up`
    waits for the project lock (up to 10 s), then finds the environment already up (exit 0,
    "web is already up"); the reset finishes normally (exit 0) once PostgreSQL runs again.
    No container is recreated; the state is the declared one."""
    e = web
    app_writes(e, "concurrent")
    pg = e.containers()["postgres"]["Id"]
    ids_before = sorted(c["Id"] for c in e.containers().values())
    freeze(pg)
    reset = spawn(e, "reset")
    up = None
    try:
        assert wait_connected(reset, e.ports["postgres"]), "reset never reached postgres"
        t0 = time.monotonic()
        up = spawn(e, *e.up_args("web"))
        time.sleep(3)
        thaw(pg)
        up_out, up_err = up.communicate(timeout=120)
        up_secs = time.monotonic() - t0
        r_out, r_err = reset.communicate(timeout=120)
    finally:
        thaw(pg)
        for p in (reset, up):
            if p is not None and p.poll() is None:
                p.kill()
                p.communicate()
    print(f"up during reset: up exit {up.returncode} after {up_secs:.1f} s, reset exit {reset.returncode}")
    assert reset.returncode == 0, (r_out, r_err)
    assert up.returncode == 0, (up_out, up_err)
    assert "web is already up" in up_out, (up_out, up_err)
    assert 2.5 < up_secs < 15, up_secs  # it waited for the reset's lock
    assert sorted(c["Id"] for c in e.containers().values()) == ids_before, "containers were recreated"
    assert_declared(e, e.baseline_dbs)
    assert e.devenv("status").code == 0


def test_reset_while_up_waits(web):
    """`devenv reset` in one shell while `devenv up` waits in another for a service that does
    not answer (PostgreSQL frozen for 14 s). What the user sees: the reset waits 10 s for the
    project lock, then gives up with exit 2 and "another devenv command is changing this project
    (pid N, `devenv up`, since ...)" having changed nothing (the application's rows are still
    there); the `up` finishes (exit 0) once PostgreSQL answers; a reset then restores the
    declared state."""
    e = web
    app_writes(e, "while_up")
    pg = e.containers()["postgres"]["Id"]
    freeze(pg)
    up = spawn(e, *e.up_args("web"))
    reset = None
    try:
        time.sleep(1.5)  # the `up` holds the lock and probes the frozen PostgreSQL
        t0 = time.monotonic()
        reset = spawn(e, "reset")
        r_out, r_err = reset.communicate(timeout=60)
        reset_secs = time.monotonic() - t0
        thaw(pg)
        up_out, up_err = up.communicate(timeout=180)
    finally:
        thaw(pg)
        for p in (up, reset):
            if p is not None and p.poll() is None:
                p.kill()
                p.communicate()
    print(f"reset during up: reset exit {reset.returncode} after {reset_secs:.1f} s, up exit {up.returncode}")
    assert reset.returncode == 2, (r_out, r_err)
    assert f"pid {up.pid}, `devenv up`" in r_err and "another devenv command" in r_err, r_err
    assert 9.5 < reset_secs < 20, reset_secs
    assert up.returncode == 0, (up_out, up_err)
    # The refused reset changed nothing: the application's writes are still there.
    assert "app-while_up" in psql(e.ports["postgres"], "select string_agg(name, ',') from places", **APP)
    r = e.devenv("reset")
    assert r.code == 0, r
    assert_declared(e, e.baseline_dbs)

"""Fault drills on the real engine and stand-ins: signals at several stages of up, seed and reset,
a paused service during seed, down interrupted, `.devenv/` on a full file system, and status in a
tight loop while services start and stop. Each drill checks what the user sees (exit code,
message) and that nothing is lost or left half-done: the lock is released, state.json is whole,
and a rerun converges to the declared state."""
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import DEVENV, docker
from test_lifecycle import psql
from test_seed import up_seeded


def spawn(e, *args):
    env = {**os.environ, **e.env, "NO_COLOR": "1"}
    return subprocess.Popen([DEVENV, *args], cwd=e.dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def state_ok(e):
    """state.json, when there is one, is whole JSON; the lock is free (a status runs at once)."""
    f = e.dir / ".devenv" / "state.json"
    if f.exists():
        json.loads(f.read_text())
        assert (os.stat(f).st_mode & 0o777) == 0o600
    assert (os.stat(e.dir / ".devenv").st_mode & 0o777) == 0o700
    t0 = time.monotonic()
    r = e.devenv("status", timeout=60)
    assert r.code in (0, 4), r
    assert time.monotonic() - t0 < 30


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("delay", [0.3, 1.5, 4.0])
def test_signal_during_up_then_rerun_converges(make_env, sig, code, delay):
    e = make_env("aws")
    proc = spawn(e, "up", "aws", *e.base_args, "--project-name", e.name, "--port-offset", str(e.offset))
    time.sleep(delay)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=90)
    # Finished before the signal landed, or stopped by it: never a crash or an abort.
    assert proc.returncode in (0, code), (proc.returncode, out, err)
    assert "terminate called" not in err and "Aborted" not in err, err
    if proc.returncode == code:
        assert "interrupted" in err, err
    state_ok(e)
    r = up_seeded(e, "aws")
    assert r.code == 0, r
    assert psql(e.ports["postgres"], "select count(*) from accounts") == "2"


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("command", ["seed", "reset"])
def test_signal_during_seed_and_reset_then_rerun_converges(make_env, sig, code, command):
    e = make_env("aws")
    assert up_seeded(e, "aws").code == 0
    for delay in (0.05, 0.2):
        proc = spawn(e, command)
        time.sleep(delay)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=90)
        assert proc.returncode in (0, code), (command, delay, proc.returncode, out, err)
        assert "terminate called" not in err, err
        state_ok(e)
    r = e.devenv("reset")
    assert r.code == 0, r
    again = e.devenv("seed", "--json")
    assert again.code == 0, again
    doc = json.loads(again.out)
    assert all(s["created"] == 0 and s["failed"] == 0 for s in doc["services"]), doc


def test_paused_service_during_seed_fails_in_bounded_time_then_converges(make_env):
    e = make_env("aws")
    assert up_seeded(e, "aws").code == 0
    psql(e.ports["postgres"], "delete from accounts")
    pg = e.containers()["postgres"]["Id"]
    docker("pause", pg, check=True)
    try:
        t0 = time.monotonic()
        r = e.devenv("seed", "postgres", "--timeout", "5s", timeout=120)
        took = time.monotonic() - t0
    finally:
        docker("unpause", pg, check=True)
    # Paused before the seed reaches it: "no running container" (4); mid-seed: the seed fails (5).
    assert r.code in (4, 5), r
    assert "postgres" in r.out + r.err, r
    assert took < 60, f"seed against a paused service took {took:.0f} s"
    state_ok(e)
    r = e.devenv("seed", "--force")
    assert r.code == 0, r
    assert psql(e.ports["postgres"], "select count(*) from accounts") == "2"


def test_sigint_during_down_finishes_the_down(make_env):
    e = make_env("aws")
    assert up_seeded(e, "aws").code == 0
    proc = spawn(e, "down")
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 130), (proc.returncode, err)
    # Nothing is left stopping: no container of the project remains, so `up` starts cleanly.
    assert e.containers() == {}, e.containers().keys()
    r = up_seeded(e, "aws")
    assert r.code == 0, r


def test_devenv_folder_on_a_full_file_system(make_env, tmp_path):
    e = make_env("aws")
    assert up_seeded(e, "aws").code == 0
    before = (e.dir / ".devenv" / "state.json").read_text()
    full = tmp_path / "full"
    full.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(full)], capture_output=True, text=True)
    assert mount.returncode == 0, f"cannot mount a small tmpfs (run the tests as root): {mount.stderr}"
    try:
        subprocess.run(["cp", "-a", str(e.dir / ".devenv"), str(full / ".devenv")], check=True)
        subprocess.run(["cp", str(e.dir / "devenv.yaml") if (e.dir / "devenv.yaml").exists() else "/dev/null",
                        str(full / "placeholder")], check=True)
        # Fill it to the last byte.
        subprocess.run(["dd", "if=/dev/zero", f"of={full}/filler", "bs=1k", "count=1000"], capture_output=True)
        (e.dir / ".devenv").rename(e.dir / ".devenv.real")
        (e.dir / ".devenv").symlink_to(full / ".devenv")
        compose_before = (full / ".devenv" / "compose.yaml").read_text() if (full / ".devenv" / "compose.yaml").exists() else None
        ids_before = sorted(c["Id"] for c in e.containers().values())
        # A changed profile needs a new Compose file: the write fails, clearly, before anything
        # starts, and the old files stay whole.
        r = e.devenv(*e.up_args("aws", "--set", "services.postgres.environment.DRILL=1"))
        assert r.code != 0, r
        assert "No space left on device" in r.err, r
        assert (full / ".devenv" / "state.json").read_text() == before
        if compose_before is not None:
            assert (full / ".devenv" / "compose.yaml").read_text() == compose_before
        assert not list((full / ".devenv").glob("*.tmp.*")), "a temporary file was left behind"
        assert sorted(c["Id"] for c in e.containers().values()) == ids_before, "containers changed"
    finally:
        (e.dir / ".devenv").unlink()
        (e.dir / ".devenv.real").rename(e.dir / ".devenv")
        subprocess.run(["umount", str(full)])
    assert e.devenv("reset").code == 0


def test_status_in_a_loop_never_hangs_nor_lies(make_env):
    e = make_env("aws")
    assert up_seeded(e, "aws").code == 0
    pg = e.containers()["postgres"]["Id"]
    runs = int(os.environ.get("DEVENV_STATUS_LOOP", "1000"))
    flipper = subprocess.Popen(["sh", "-c", f"while true; do docker stop -t 1 {pg} >/dev/null; sleep 0.5; "
                                            f"docker start {pg} >/dev/null; sleep 1; done"])
    lied = []
    try:
        for i in range(runs):
            t0 = time.monotonic()
            r = e.devenv("status", "--json", timeout=30)
            assert time.monotonic() - t0 < 25, f"status run {i} took too long"
            assert r.code in (0, 4), r
            doc = json.loads(r.out)
            for s in doc["services"]:
                # Ready means its container ran and its probe answered in this very run.
                if s["ready"] and not (s["container"] and s["container"]["state"] == "running" and s["probe"]["ok"]):
                    lied.append((i, s))
            assert doc["ready"] == all(s["ready"] for s in doc["services"])
            assert (r.code == 0) == doc["ready"]
    finally:
        flipper.terminate()
        flipper.wait()
        docker("start", pg)
    assert not lied, lied[:3]

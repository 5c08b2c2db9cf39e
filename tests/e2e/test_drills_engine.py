"""Fault drills for the container engine itself: the engine stops during `up`'s wait and during
`seed`. A drill cannot stop the shared engine, so a fixture starts a second one the test owns:
the same dockerd binary with its own --data-root, --exec-root, --pidfile and unix socket under
/tmp, its own bridge (a fresh interface created for it; never `--bridge=none`, which makes
dockerd delete the host's docker0 from under the shared engine), no iptables, its own address
pool and cgroup parent. devenv reaches it through DOCKER_HOST (its Engine API client and the
Compose it runs both honour it). The stand-in image is loaded into it with
`docker save | DOCKER_HOST=... docker load`.

The project is a plain service on the smallest stand-in image (devenv-standin/minio:versitygw,
its entrypoint replaced by a sleep): a service that never answers its probe (so `up` stays in
its wait), and an `exec` seed step that runs for a while (the seed talks to the engine, which
runs it in the container: a seed of a data service talks to the service, not the engine)."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import yaml

from conftest import DEVENV, docker, free_offset
from test_lifecycle import wait_for_line

IMAGE = "devenv-standin/minio:versitygw"


class SecondEngine:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="dvde-", dir="/tmp"))  # short: unix socket paths
        tag = uuid.uuid4().hex[:6]
        self.bridge = f"dvd{tag}"
        self.sock = self.root / "docker.sock"
        self.host = f"unix://{self.sock}"
        self.env = {**os.environ, "DOCKER_HOST": self.host}
        # An address range of its own for the bridge and Compose's networks.
        n = int(tag, 16) % 200 + 20
        self.bridge_cidr = f"10.{n}.255.1/24"
        self.pool = f"10.{n}.0.0/17"
        self.proc = None
        self.log = self.root / "dockerd.log"

    def argv(self):
        return ["dockerd", "--data-root", str(self.root / "data"), "--exec-root", str(self.root / "x"),
                "--pidfile", str(self.root / "docker.pid"), "-H", self.host, f"--bridge={self.bridge}",
                "--iptables=false", "--ip-masq=false", "--storage-driver=overlay2",
                "--default-address-pool", f"base={self.pool},size=24", f"--cgroup-parent=/{self.bridge}",
                "--shutdown-timeout", "2"]

    def docker(self, *args, timeout=120, input=None):
        return subprocess.run(["docker", *args], env=self.env, capture_output=True, timeout=timeout, input=input)

    def answers(self):
        try:
            return self.docker("info", "--format", "{{.ServerVersion}}", timeout=5).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def start(self):
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         start_new_session=True)
        deadline = time.monotonic() + 60
        while not self.answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the second dockerd did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self, sig=signal.SIGTERM, wait=60):
        """As `systemctl stop docker` does: SIGTERM; dockerd stops its containers and exits."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def setup(self):
        subprocess.run(["ip", "link", "add", self.bridge, "type", "bridge"], check=True)
        subprocess.run(["ip", "addr", "add", self.bridge_cidr, "dev", self.bridge], check=True)
        subprocess.run(["ip", "link", "set", self.bridge, "up"], check=True)
        self.start()
        t0 = time.monotonic()
        save = subprocess.Popen(["docker", "save", IMAGE], stdout=subprocess.PIPE)
        load = subprocess.run(["docker", "load"], stdin=save.stdout, env=self.env, capture_output=True, timeout=600)
        save.stdout.close()
        assert save.wait(600) == 0 and load.returncode == 0, load.stderr
        self.load_secs = time.monotonic() - t0

    def teardown(self):
        if self.proc and self.proc.poll() is None and self.answers():
            ids = self.docker("ps", "-aq").stdout.decode().split()
            if ids:
                self.docker("rm", "-f", "-v", *ids)
        self.stop()
        # Whatever dockerd left mounted under its roots, then the folders and the bridge.
        mounts = [l.split()[1] for l in Path("/proc/mounts").read_text().splitlines() if str(self.root) in l.split()[1]]
        for m in sorted(mounts, key=len, reverse=True):
            subprocess.run(["umount", "-l", m], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True)


@pytest.fixture
def engine2(engine):
    if not shutil.which("dockerd") or not shutil.which("ip"):
        pytest.fail("dockerd and ip (iproute2) are needed to start a second engine: run scripts/install-deps.sh")
    if os.geteuid() != 0:
        pytest.fail("starting a second dockerd needs root (the tests run as root in CI)")
    if docker("image", "inspect", IMAGE).returncode != 0:
        pytest.fail(f"stand-in image {IMAGE} missing: run scripts/build-standin-images.sh")
    e = SecondEngine()
    try:
        e.setup()
        yield e
    finally:
        e.teardown()


PROFILE = """name: engine-drill
services:
  app:
    image: {image}
    entrypoint: [sleep, "3600"]
    stop_signal: SIGKILL
    ports: ["8080:8080"]
    probe: {{kind: {probe}, port: 8080, timeout: 120s}}
seed:
  app:
    exec:
      - command: [sh, -c, "echo seeding; sleep 30; echo done"]
        description: a long seed step (runs in the container, through the engine)
"""


def project(tmp_path, probe):
    d = tmp_path / f"proj-{probe}"
    d.mkdir()
    (d / "devenv.yaml").write_text(PROFILE.format(image=IMAGE, probe=probe))
    return d


def spawn(folder, eng, *args):
    env = {**eng.env, "NO_COLOR": "1"}
    return subprocess.Popen([DEVENV, *args], cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def run(folder, eng, *args, timeout=300):
    env = {**eng.env, "NO_COLOR": "1"}
    t0 = time.monotonic()
    p = subprocess.run([DEVENV, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=timeout)
    p.secs = time.monotonic() - t0
    return p


def engine_message(err, eng):
    return ("engine" in err.lower() or "docker" in err.lower()) and (str(eng.sock) in err or "DOCKER_HOST" in err)


def test_engine_stops_during_ups_wait_then_a_later_up_recovers(engine2, tmp_path):
    """What the user sees: `devenv up` waiting for a service stops within seconds of the engine
    going away, exit 3, with a message that the engine at DOCKER_HOST does not answer (and how to
    start it); nothing is left locked. Once the engine is back, the same `up` starts the stopped
    container again and waits as before."""
    eng = engine2
    folder = project(tmp_path, "http")
    name = f"drills-eng-{uuid.uuid4().hex[:6]}"
    offset = free_offset([8080])
    args = ["up", "--project-name", name, "--port-offset", str(offset), "--no-seed", "--timeout", "90s"]
    proc = spawn(folder, eng, *args)
    try:
        wait_for_line(proc, "probing", 120)
        time.sleep(1)
        t0 = time.monotonic()
        eng.stop()
        stopped = time.monotonic() - t0
        proc.wait(60)
        took = time.monotonic() - t0
        out, err = proc.stdout.read(), proc.reader.text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    print(f"engine stopped in {stopped:.1f} s; up exited {proc.returncode} {took:.1f} s after the stop began: "
          f"{err.strip().splitlines()[-3:] if err.strip() else ''}")
    assert proc.returncode == 3, (proc.returncode, out, err)
    assert took < stopped + 10, took
    assert engine_message(err, eng), err
    assert "terminate called" not in err
    eng.start()
    # The service never answers its http probe: with a short timeout the later `up` ends with 4
    # after it has started the container again, which is all it can do for this service.
    r = run(folder, eng, "up", "--project-name", name, "--port-offset", str(offset), "--no-seed", "--timeout", "5s")
    assert r.returncode == 4, r
    ps = eng.docker("ps", "--filter", f"label=com.docker.compose.project={name}", "--format", "{{.State}}").stdout.decode()
    assert ps.split() == ["running"], ps


def test_engine_stops_during_seed_then_a_later_up_recovers(engine2, tmp_path):
    """What the user sees: `devenv seed` running a step in a container stops within seconds of
    the engine going away, exit 3, saying the engine does not answer; the project lock is free.
    Once the engine is back, `devenv up` starts the container and seeds: exit 0."""
    eng = engine2
    folder = project(tmp_path, "none")
    name = f"drills-eng-{uuid.uuid4().hex[:6]}"
    offset = free_offset([8080])
    base = ["--project-name", name, "--port-offset", str(offset)]
    r = run(folder, eng, "up", *base, "--no-seed")
    assert r.returncode == 0, (r.stdout, r.stderr)
    proc = spawn(folder, eng, "seed", *base)
    try:
        # The step runs when its shell is in the container's process list.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            top = eng.docker("top", f"{name}-app-1").stdout.decode()
            if "sleep 30" in top:
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"the seed step never started: {top}")
        t0 = time.monotonic()
        eng.stop()
        stopped = time.monotonic() - t0
        out, err = proc.communicate(timeout=60)
        took = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    print(f"engine stopped in {stopped:.1f} s; seed exited {proc.returncode} {took:.1f} s after the stop began: "
          f"{err.strip().splitlines()[-3:] if err.strip() else ''} {out.strip().splitlines()[-2:]}")
    assert proc.returncode == 3, (proc.returncode, out, err)
    assert took < stopped + 10, took
    assert engine_message(out + err, eng), (out, err)
    eng.start()
    r = run(folder, eng, "up", *base, timeout=200)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "seed done" in r.stdout or re.search(r"seed", r.stdout), r.stdout

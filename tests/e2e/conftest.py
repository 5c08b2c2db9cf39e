"""Shared fixtures for devenv's end-to-end tests: the built binary, isolated project folders,
and a real Docker engine with Compose v2 (started by scripts/start-engine.sh)."""
import json
import os
import shutil
import random
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The project's shared test data beside the checkout (../shared), or where DEVENV_SHARED_DIR says.
SHARED = Path(os.environ.get("DEVENV_SHARED_DIR") or ROOT.parent / "shared")
DEVENV = os.environ.get("DEVENV_BIN", str(ROOT / "build" / "devenv"))


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr
        self.secs = getattr(proc, "secs", None)  # wall time of the whole process

    def __repr__(self):
        return f"<exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}>"


def run(args, cwd=None, env=None, timeout=300, input=None):
    """Runs devenv with an argv (never a shell string)."""
    full_env = dict(os.environ)
    full_env.pop("CI", None) if env and env.get("_keep_ci") is False else None
    full_env["NO_COLOR"] = "1"
    if env:
        full_env.update({k: v for k, v in env.items() if not k.startswith("_")})
    t0 = time.monotonic()
    proc = subprocess.run([DEVENV, *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout, input=input)
    proc.secs = time.monotonic() - t0
    return Result(proc)


def docker_available():
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def compose_available():
    try:
        p = subprocess.run(["docker", "compose", "version", "--short"], capture_output=True, text=True, timeout=10)
        return p.returncode == 0 and p.stdout.strip().startswith("2")
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture
def devenv():
    return run


@pytest.fixture
def project(tmp_path):
    """An empty project folder."""
    d = tmp_path / "proj"
    d.mkdir()
    return d


@pytest.fixture(scope="session")
def compose():
    """Real Compose v2. Its absence fails the tests that need it (the CI script installs it)."""
    if not compose_available():
        pytest.fail("docker compose v2 is not available: run scripts/start-engine.sh")
    return ["docker", "compose"]


@pytest.fixture(scope="session")
def compose_schema():
    path = SHARED / "testdata" / "compose-spec" / "compose-spec.json"
    if not path.exists():
        pytest.fail(f"missing {path}")
    return json.loads(path.read_text())


# --- Real environments (test_lifecycle.py) ------------------------------------------------------

STANDIN_IMAGES = ["devenv-standin/postgres:17", "devenv-standin/redis:8", "devenv-standin/moto:5"]

# The built-in profiles on the stand-in images (no registry is reachable on our machines).
AWS_ARGS = ["--set", "services.aws.image=devenv-standin/moto:5",
            "--set", "services.postgres.image=devenv-standin/postgres:17"]
AWS_ENV = {"AWS_EMULATOR": "moto"}
AWS_PORTS = {"aws": 4566, "postgres": 5432}
WEB_ARGS = ["--set", "services.postgres.image=devenv-standin/postgres:17",
            "--set", "services.redis.image=devenv-standin/redis:8",
            "--set", "services.minio.image=devenv-standin/moto:5",
            "--set", "services.minio.environment.MOTO_PORT=9000"]
WEB_PORTS = {"postgres": 5432, "redis": 6379, "minio": 9000, "minio-console": 9001}


def docker(*args, timeout=120, check=False):
    p = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed: {p.stderr}")
    return p


@pytest.fixture(scope="session")
def engine():
    """A Docker engine, Compose v2 and the stand-in images. Missing ones FAIL the tests that need
    them: scripts/test.sh sets all of this up, so a silent skip would hide a broken machine."""
    if os.environ.get("DOCKER_HOST", "").startswith("unix:///nonexistent"):
        pytest.fail("DOCKER_HOST points at no engine")
    if not docker_available():
        pytest.fail("no Docker engine answers `docker info`: run scripts/start-engine.sh")
    if not compose_available():
        pytest.fail("docker compose v2 is not available: run scripts/start-engine.sh")
    missing = [i for i in STANDIN_IMAGES if docker("image", "inspect", i).returncode != 0]
    if missing:
        pytest.fail(f"stand-in images missing: {', '.join(missing)}: run scripts/build-standin-images.sh")
    return True


def port_free(port):
    """True when nothing listens on the port (any address, IPv4 or IPv6)."""
    for family, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        s = socket.socket(family, socket.SOCK_STREAM)
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, port))
        except OSError:
            return False
        finally:
            s.close()
    return True


_used_offsets = set()
_rng = random.Random(os.getpid() ^ int(time.time()))


def free_offset(ports):
    """A port offset, unique in this session, that puts every one of `ports` on a free host port.
    Other people run containers on this machine: random, away from the default ports."""
    for _ in range(500):
        off = _rng.randrange(20000, 55000 - max(ports), 10)
        if any(abs(off - u) < 20 for u in _used_offsets):
            continue
        if all(port_free(p + off) for p in ports):
            _used_offsets.add(off)
            return off
    raise AssertionError("no free port offset found")


_no_seed = None


def no_seed_option():
    """These tests are about the lifecycle: `up` does not seed when it can be told not to (the
    seed has its own tests), so a seeding problem does not hide a lifecycle one."""
    global _no_seed
    if _no_seed is None:
        r = run(["up", "--help"], cwd="/")
        _no_seed = ["--no-seed"] if "--no-seed" in r.out + r.err else []
    return _no_seed


class Env:
    """One test's own Compose project in its own folder, torn down by the finalizer."""

    def __init__(self, folder, base_args, env, ports):
        self.dir = folder
        self.name = f"e2e-{uuid.uuid4().hex[:10]}"
        self.offset = free_offset(list(ports.values()))
        self.ports = {k: v + self.offset for k, v in ports.items()}
        self.base_args = base_args
        self.env = dict(env)

    def devenv(self, *args, env=None, timeout=300):
        return run(list(args), cwd=self.dir, env={**self.env, **(env or {})}, timeout=timeout)

    def up_args(self, profile, *extra):
        return ["up", *([profile] if profile else []), *self.base_args, "--project-name", self.name,
                "--port-offset", str(self.offset), *no_seed_option(), *extra]

    def up(self, profile, *extra, timeout=300):
        return self.devenv(*self.up_args(profile, *extra), timeout=timeout)

    def containers(self):
        """{service: docker inspect document} of this project's containers, stopped ones too."""
        ids = docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={self.name}", check=True).stdout.split()
        if not ids:
            return {}
        docs = json.loads(docker("inspect", *ids, check=True).stdout)
        return {d["Config"]["Labels"]["com.docker.compose.service"]: d for d in docs}

    def volumes(self):
        return sorted(docker("volume", "ls", "-q", "--filter", f"label=com.docker.compose.project={self.name}",
                             check=True).stdout.split())

    def remove(self):
        """Removes everything of this project (and nothing else), whatever state it is in."""
        docker("compose", "-p", self.name, "down", "--volumes", "--remove-orphans", "--timeout", "3", timeout=180)
        label = f"label=com.docker.compose.project={self.name}"
        ids = docker("ps", "-aq", "--filter", label).stdout.split()
        if ids:
            docker("rm", "-f", "-v", *ids)
        vols = docker("volume", "ls", "-q", "--filter", label).stdout.split()
        if vols:
            docker("volume", "rm", "-f", *vols)
        nets = docker("network", "ls", "-q", "--filter", label).stdout.split()
        if nets:
            docker("network", "rm", *nets)


@pytest.fixture
def make_env(engine, tmp_path):
    """make_env("aws") or make_env("web"), or make_env(None, ports={...}) for a devenv.yaml
    project: a fresh folder and Compose project, removed at the end even when the test fails."""
    made = []

    def make(kind, ports=None, subdir=None):
        folder = tmp_path / (subdir or f"proj{len(made)}")
        folder.mkdir()
        if kind == "aws":
            e = Env(folder, AWS_ARGS, AWS_ENV, ports or AWS_PORTS)
        elif kind == "web":
            e = Env(folder, WEB_ARGS, {}, ports or WEB_PORTS)
        else:
            e = Env(folder, [], {}, ports or {})
        made.append(e)
        return e

    yield make
    for e in made:
        e.remove()

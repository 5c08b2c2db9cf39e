"""Shared fixtures for devenv's end-to-end tests: the built binary, isolated project folders,
and a real Docker engine with Compose v2 (started by scripts/start-engine.sh)."""
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DEVENV = os.environ.get("DEVENV_BIN", str(ROOT / "build" / "devenv"))


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __repr__(self):
        return f"<exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}>"


def run(args, cwd=None, env=None, timeout=300, input=None):
    """Runs devenv with an argv (never a shell string)."""
    full_env = dict(os.environ)
    full_env.pop("CI", None) if env and env.get("_keep_ci") is False else None
    full_env["NO_COLOR"] = "1"
    if env:
        full_env.update({k: v for k, v in env.items() if not k.startswith("_")})
    proc = subprocess.run([DEVENV, *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout, input=input)
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

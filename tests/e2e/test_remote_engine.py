"""Engines that are not on this machine's loopback: a second Docker engine in a network namespace
the fixture makes (iproute2: `ip netns add`, a veth pair, addresses in 10.211.0.0/24), reached over
tcp:// and over ssh:// (Debian's openssh-server started in that namespace), and through a docker
context; and a devcontainer layout: devenv inside a container of the shared engine, the host's
socket mounted, the ports reached at the container's host.

The namespace's engine is the same dockerd binary, started with `nsenter --net=...` (`ip netns
exec` remounts /sys and hides the cgroup mounts: "Devices cgroup isn't mounted"), with its own --data-root, --exec-root,
--pidfile, a unix socket under /tmp and tcp://10.211.0.2:2375, its own bridge made in the
namespace (10.211.0.129/26) and an address pool of its own (10.211.0.192/26), no iptables. The
stand-in images are loaded into it with `docker save | docker -H ... load`. Published ports then
live on 10.211.0.2, not on 127.0.0.1: every check below reads them there, with the `aws` CLI,
`psql` and the namespace engine's own `docker` answers, never with devenv alone.

Addresses: 10.211.0.1/25 on the host's end of the veth, 10.211.0.2/25 in the namespace."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from conftest import AWS_ARGS, AWS_ENV, DEVENV, ROOT, docker, free_offset, port_free
from test_drills_engine import restore_shared_bridge, shared_bridge

NS = "devenv-rt"
HOST_IF, NS_IF, BRIDGE = "dvrt-h", "dvrt-n", "dvrt-br"
HOST_ADDR, NS_ADDR = "10.211.0.1", "10.211.0.2"
TCP = f"tcp://{NS_ADDR}:2375"
IMAGES = ["devenv-standin/moto:5", "devenv-standin/postgres:17"]


def sh(*argv, check=True, timeout=120, **kw):
    p = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} failed ({p.returncode}): {p.stderr}{p.stdout}")
    return p


def in_ns(*argv, **kw):
    return sh("ip", "netns", "exec", NS, *argv, **kw)


def remove_namespace():
    """What an earlier run left: the processes in the namespace (ours by construction: its name is
    this test's alone), the namespace, the veth."""
    if Path(f"/run/netns/{NS}").exists():
        pids = sh("ip", "netns", "pids", NS, check=False).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 20
        while sh("ip", "netns", "pids", NS, check=False).stdout.split() and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in sh("ip", "netns", "pids", NS, check=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        sh("ip", "netns", "del", NS, check=False)
    sh("ip", "link", "del", HOST_IF, check=False)


class NetnsEngine:
    """dockerd in its own network namespace, reachable from here at 10.211.0.2."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="dvrt-", dir="/tmp"))
        self.sock = self.root / "docker.sock"
        self.unix = f"unix://{self.sock}"
        self.log = self.root / "dockerd.log"
        self.proc = None
        self.sshd = None
        self.shared = shared_bridge()

    def docker(self, *args, timeout=120, check=False, input=None):
        p = subprocess.run(["docker", "-H", self.unix, *args], capture_output=True, text=True, timeout=timeout, input=input)
        if check and p.returncode != 0:
            raise AssertionError(f"docker -H {self.unix} {' '.join(args)} failed: {p.stderr}")
        return p

    def answers(self):
        try:
            return self.docker("info", "--format", "{{.ServerVersion}}", timeout=5).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def setup(self):
        remove_namespace()
        sh("ip", "netns", "add", NS)
        sh("ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF)
        sh("ip", "link", "set", NS_IF, "netns", NS)
        sh("ip", "addr", "add", f"{HOST_ADDR}/25", "dev", HOST_IF)
        sh("ip", "link", "set", HOST_IF, "up")
        in_ns("ip", "link", "set", "lo", "up")
        in_ns("ip", "addr", "add", f"{NS_ADDR}/25", "dev", NS_IF)
        in_ns("ip", "link", "set", NS_IF, "up")
        in_ns("ip", "link", "add", BRIDGE, "type", "bridge")
        in_ns("ip", "addr", "add", "10.211.0.129/26", "dev", BRIDGE)
        in_ns("ip", "link", "set", BRIDGE, "up")
        argv = ["nsenter", f"--net=/run/netns/{NS}", "dockerd", "--data-root", str(self.root / "data"),
                "--exec-root", str(self.root / "x"), "--pidfile", str(self.root / "docker.pid"),
                "-H", self.unix, "-H", TCP, f"--bridge={BRIDGE}", "--iptables=false", "--ip-masq=false",
                "--storage-driver=overlay2", "--default-address-pool", "base=10.211.0.192/26,size=28",
                "--cgroup-parent=/devenv-rt", "--shutdown-timeout", "2"]
        t0 = time.monotonic()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 90
        while not self.answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"dockerd in the namespace did not start: {self.log.read_text()[-3000:]}")
            time.sleep(0.2)
        self.start_secs = time.monotonic() - t0
        restore_shared_bridge(self.shared)
        t0 = time.monotonic()
        save = subprocess.Popen(["docker", "save", *IMAGES], stdout=subprocess.PIPE)
        load = subprocess.run(["docker", "-H", self.unix, "load"], stdin=save.stdout, capture_output=True, timeout=900)
        save.stdout.close()
        assert save.wait(900) == 0 and load.returncode == 0, load.stderr
        self.load_secs = time.monotonic() - t0

    def start_sshd(self, tmp):
        """Debian's sshd in the namespace on 10.211.0.2:22, its config, host key and authorized
        keys in `tmp`. The remote's `docker` is this machine's /usr/bin/docker (same file system);
        authorized_keys' environment= points it at the namespace's engine."""
        if not Path("/usr/sbin/sshd").exists():
            pytest.fail("/usr/sbin/sshd missing: run scripts/install-deps.sh (openssh-server)")
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation directory
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp / "hostkey"))
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "devenv-test", "-f", str(tmp / "id_ed25519"))
        pub = (tmp / "id_ed25519.pub").read_text().strip()
        (tmp / "authorized_keys").write_text(f'environment="DOCKER_HOST={self.unix}" {pub}\n')
        (tmp / "sshd_config").write_text(f"""ListenAddress {NS_ADDR}:22
HostKey {tmp}/hostkey
AuthorizedKeysFile {tmp}/authorized_keys
PidFile {tmp}/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitUserEnvironment yes
LogLevel VERBOSE
""")
        self.sshd_log = tmp / "sshd.log"
        with open(self.sshd_log, "ab") as log:
            self.sshd = subprocess.Popen(["nsenter", f"--net=/run/netns/{NS}", "/usr/sbin/sshd", "-D", "-e", "-f", str(tmp / "sshd_config")],
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection((NS_ADDR, 22), timeout=1).close()
                break
            except OSError:
                if self.sshd.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"sshd did not start: {self.sshd_log.read_text()}")
                time.sleep(0.1)
        host_pub = (tmp / "hostkey.pub").read_text().split()
        (tmp / "known_hosts").write_text(f"{NS_ADDR} {host_pub[0]} {host_pub[1]}\n")
        (tmp / "ssh_config").write_text(f"""Host {NS_ADDR}
  IdentityFile {tmp}/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile {tmp}/known_hosts
  StrictHostKeyChecking yes
""")
        # The `ssh` devenv and Compose (the docker CLI's ssh helper) find on PATH: the real one
        # with this test's config, so nothing of the machine's ~/.ssh is read or written.
        (tmp / "bin").mkdir()
        wrapper = tmp / "bin" / "ssh"
        wrapper.write_text(f'#!/bin/sh\nexec /usr/bin/ssh -F "{tmp}/ssh_config" "$@"\n')
        wrapper.chmod(0o755)
        return str(tmp / "bin")

    def teardown(self):
        if self.sshd and self.sshd.poll() is None:
            os.killpg(self.sshd.pid, signal.SIGTERM)
            self.sshd.wait(10)
        if self.proc and self.proc.poll() is None:
            if self.answers():
                ids = self.docker("ps", "-aq").stdout.split()
                if ids:
                    self.docker("rm", "-f", "-v", *ids)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        remove_namespace()
        mounts = [l.split()[1] for l in Path("/proc/mounts").read_text().splitlines() if str(self.root) in l.split()[1]]
        for m in sorted(mounts, key=len, reverse=True):
            subprocess.run(["umount", "-l", m], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)
        restore_shared_bridge(self.shared)
        if self.shared:
            assert Path(f"/sys/class/net/{self.shared[0]}").exists(), "the shared engine's bridge is gone"


_shared = []


@pytest.fixture(autouse=True)
def shared_bridge_kept():
    """The namespace's dockerd can delete the shared engine's docker0 some time after it started
    (not only when it starts or stops), and the shared engine's `docker run` then fails: put the
    bridge back before and after every test of this file."""
    if not _shared:
        _shared.append(shared_bridge())
    restore_shared_bridge(_shared[0])
    yield
    restore_shared_bridge(_shared[0])


@pytest.fixture(scope="module")
def remote(request):
    if os.geteuid() != 0:
        pytest.fail("a network namespace and a second dockerd need root (the tests run as root in CI)")
    for tool in ("ip", "dockerd", "docker", "aws", "psql", "ssh-keygen"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} missing: run scripts/install-deps.sh")
    for image in IMAGES:
        if docker("image", "inspect", image).returncode != 0:
            pytest.fail(f"stand-in image {image} missing: run scripts/build-standin-images.sh")
    e = NetnsEngine()
    try:
        e.setup()
        print(f"\nnamespace engine: started in {e.start_secs:.1f} s, images loaded in {e.load_secs:.1f} s")
        yield e
    finally:
        e.teardown()


def devenv(folder, *args, env, timeout=300):
    """devenv with only the given engine settings: DOCKER_HOST, DOCKER_CONTEXT and DEVENV_HOST of
    the calling shell are dropped first."""
    full = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT", "DEVENV_HOST", "CI")}
    full.update({"NO_COLOR": "1", **AWS_ENV, **env})
    t0 = time.monotonic()
    p = subprocess.run([DEVENV, *args], cwd=folder, env=full, capture_output=True, text=True, timeout=timeout)
    p.secs = time.monotonic() - t0
    return p


def aws_cli(endpoint, *args):
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_PAGER": ""}
    return sh("aws", "--endpoint-url", endpoint, "--output", "json", *args, env=env, timeout=60)


def exports(folder, env):
    r = devenv(folder, "env", "--format", "json", env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["variables"]


def project_containers(eng, name):
    return eng.docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={name}", check=True).stdout.split()


def shared_containers(name):
    return docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={name}").stdout.split()


def full_cycle(eng, folder, env, name):
    """up, exports checked with the aws CLI and psql at 10.211.0.2, status, seed, reset, down."""
    up = devenv(folder, "up", "aws", *AWS_ARGS, "--project-name", name, env=env)
    assert up.returncode == 0, up.stderr + up.stdout
    assert len(project_containers(eng, name)) == 2, "the containers are on the namespace's engine"
    assert shared_containers(name) == [], "nothing of the project on the shared engine"

    x = exports(folder, env)
    assert x["AWS_ENDPOINT_URL"] == f"http://{NS_ADDR}:4566", x
    assert f"@{NS_ADDR}:5432/" in x["DATABASE_URL"], x
    assert x["PGHOST"] == NS_ADDR
    # The seed is there, read by clients devenv did not write, at the exported addresses.
    buckets = json.loads(aws_cli(x["AWS_ENDPOINT_URL"], "s3api", "list-buckets").stdout)
    assert {"acme-uploads", "acme-exports"} <= {b["Name"] for b in buckets["Buckets"]}
    tables = json.loads(aws_cli(x["AWS_ENDPOINT_URL"], "dynamodb", "list-tables").stdout)["TableNames"]
    assert "acme-orders" in tables
    rows = sh("psql", x["DATABASE_URL"], "-Atc", "SELECT count(*) FROM accounts").stdout.strip()
    assert rows == "2"

    st = devenv(folder, "status", "--json", env=env)
    assert st.returncode == 0, st.stderr
    doc = json.loads(st.stdout)
    assert all(s["ready"] for s in doc["services"]), doc

    again = devenv(folder, "seed", env=env)
    assert again.returncode == 0, again.stderr
    assert "unchanged" in again.stdout + again.stderr

    # The application's writes; a reset takes them away, the seed is back.
    aws_cli(x["AWS_ENDPOINT_URL"], "s3api", "put-object", "--bucket", "acme-uploads", "--key", "app/new.txt")
    sh("psql", x["DATABASE_URL"], "-c", "INSERT INTO accounts (tenant_id, email) VALUES ('t-9', 'x@y.test')")
    reset = devenv(folder, "reset", env=env)
    assert reset.returncode == 0, reset.stderr + reset.stdout
    keys = json.loads(aws_cli(x["AWS_ENDPOINT_URL"], "s3api", "list-objects-v2", "--bucket", "acme-uploads").stdout or "{}")
    assert "app/new.txt" not in {o["Key"] for o in keys.get("Contents", [])}
    assert sh("psql", x["DATABASE_URL"], "-Atc", "SELECT count(*) FROM accounts").stdout.strip() == "2"

    down = devenv(folder, "down", "--volumes", env=env)
    assert down.returncode == 0, down.stderr
    assert project_containers(eng, name) == []
    return up


def test_tcp_engine_in_a_namespace(remote, tmp_path):
    """What the user sees: `DOCKER_HOST=tcp://10.211.0.2:2375 devenv up aws` starts on that engine;
    `devenv env` exports 10.211.0.2 addresses that the aws CLI and psql use as they are; status,
    seed and reset work without --allow-remote (the engine's host is this project's own); the
    port check looks at the engine's host, not at this machine."""
    env = {"DOCKER_HOST": TCP}
    folder = tmp_path / "tcp"
    folder.mkdir()
    name = f"rt-{uuid.uuid4().hex[:8]}"

    # Port 5432 taken on THIS machine says nothing about the engine's host.
    with socket.socket() as here:
        here.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            here.bind(("127.0.0.1", 5432))
            here.listen()
        except OSError:
            pass  # already taken here by something else: the point stands either way
        up = full_cycle(remote, folder, env, name)
    print(f"\nup on the tcp:// engine: {up.secs:.1f} s")

    # doctor: which engine, which host, why; a published port reached from here.
    blocker = remote.docker("run", "-d", "--name", f"{name}-blocker", "-p", "4566:4566", "--entrypoint", "python3",
                            IMAGES[0], "-m", "http.server", "4566", check=True).stdout.strip()
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection((NS_ADDR, 4566), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the blocker never listened"
                time.sleep(0.2)
        d = devenv(folder, "doctor", "--json", "aws", *AWS_ARGS, "--project-name", name, env=env)
        checks = {c["name"]: c for c in json.loads(d.stdout)["checks"]}
        assert checks["docker_host"]["status"] == "ok"
        assert f"engine {TCP} (from DOCKER_HOST); published ports on {NS_ADDR} (the engine's address)" == checks["docker_host"]["summary"]
        assert checks["published_port"]["status"] == "ok", checks["published_port"]
        assert f"reached {NS_ADDR}:4566 (published by container {name}-blocker) from here" == checks["published_port"]["summary"]
        assert checks["ports"]["status"] == "fail" and f"4566 (aws) is taken by container {name}-blocker" in checks["ports"]["summary"]
        assert checks["disk"]["status"] == "skip"  # the data root is not this machine's

        # up refuses: the port is taken where the engine publishes it; nothing started.
        r = devenv(folder, "up", "aws", *AWS_ARGS, "--project-name", name, env=env)
        assert r.returncode == 3, r.stderr
        assert f"port 4566 (wanted by aws) is taken by container {name}-blocker" in r.stderr
        assert project_containers(remote, name) == []
    finally:
        remote.docker("rm", "-f", blocker)

    # Something on the engine's host that is not a container: found by connecting from here.
    listener = subprocess.Popen(["ip", "netns", "exec", NS, "python3", "-m", "http.server", "5432", "--bind", NS_ADDR],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection((NS_ADDR, 5432), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        r = devenv(folder, "up", "aws", *AWS_ARGS, "--project-name", name, env=env)
        assert r.returncode == 3, r.stderr
        assert f"port 5432 (wanted by postgres) is taken by something at {NS_ADDR}:5432" in r.stderr
    finally:
        os.killpg(listener.pid, signal.SIGTERM)
        listener.wait(10)


def test_devenv_host_and_the_loopback_guard(remote, tmp_path):
    """DEVENV_HOST names the host the ports are reached at (here the same engine, reached by a
    second name); the seed and reset still only write to that host: an endpoint elsewhere is
    refused without --allow-remote."""
    folder = tmp_path / "guard"
    folder.mkdir()
    (folder / "devenv.yaml").write_text("""name: guard
services:
  store:
    template: moto
    with: {services: [s3]}
  other:
    template: moto
    with: {services: [s3], port: 4570}
    probe: {host: 10.211.0.77}
seed:
  store:
    s3: {buckets: [{name: guarded}]}
  other:
    s3: {buckets: [{name: elsewhere}]}
""")
    # `other` is probed at an address nobody serves; --no-seed so that up only starts, and the
    # guard is asked by `seed` alone.
    env = {"DOCKER_HOST": TCP, "DEVENV_HOST": NS_ADDR}
    name = f"rt-{uuid.uuid4().hex[:8]}"
    try:
        up = devenv(folder, "up", "--no-seed", "--project-name", name, "--set", "services.store.image=" + IMAGES[0],
                    "--set", "services.other.image=" + IMAGES[0], "--timeout", "8s", env=env)
        # `other` never answers at 10.211.0.77: up fails on it, the containers run.
        assert up.returncode == 4, up.stderr
        s = devenv(folder, "seed", "store", env=env)
        assert s.returncode == 0, s.stderr + s.stdout
        assert "guarded" in aws_cli(f"http://{NS_ADDR}:4566", "s3api", "list-buckets").stdout
        g = devenv(folder, "seed", "other", env=env)
        assert g.returncode == 5, g.stderr
        assert (f"refusing to seed or reset other: its endpoint 10.211.0.77 is neither on this machine nor on the "
                f"engine's host ({NS_ADDR})") in g.stderr
        assert "--allow-remote" in g.stderr
    finally:
        devenv(folder, "down", "--volumes", env=env)


def test_ssh_engine_in_a_namespace(remote, tmp_path):
    """`DOCKER_HOST=ssh://root@10.211.0.2`: devenv's Engine API client runs
    `ssh ... docker system dial-stdio` and speaks HTTP on a socketpair; Compose runs through the
    docker CLI's own ssh helper. The same cycle as over tcp://. Then what the user sees when ssh
    cannot log in or does not trust the host key: ssh's own words and the fix, exit 3."""
    bin_dir = remote.start_sshd(tmp_path)
    path = f"{bin_dir}:{os.environ['PATH']}"
    env = {"DOCKER_HOST": f"ssh://root@{NS_ADDR}", "PATH": path}
    folder = tmp_path / "ssh"
    folder.mkdir()
    name = f"rt-{uuid.uuid4().hex[:8]}"
    up = full_cycle(remote, folder, env, name)
    print(f"\nup on the ssh:// engine: {up.secs:.1f} s")

    d = devenv(folder, "doctor", "--json", env=env)
    checks = {c["name"]: c for c in json.loads(d.stdout)["checks"]}
    assert checks["engine"]["status"] == "ok", checks["engine"]
    assert f"at ssh://root@{NS_ADDR}" in checks["engine"]["summary"]
    assert f"published ports on {NS_ADDR}" in checks["docker_host"]["summary"]

    # A key the remote does not know.
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "stranger"))
    cfg = (tmp_path / "ssh_config").read_text()
    (tmp_path / "ssh_config").write_text(cfg.replace(f"{tmp_path}/id_ed25519", f"{tmp_path}/stranger"))
    # After the cycle's `down` the folder has no record: name the profile, or status would (rightly)
    # say "nothing was started here" without asking the engine.
    r = devenv(folder, "status", "-p", "aws", env=env, timeout=60)
    assert r.returncode == 3, r.stderr
    assert f"cannot reach the Docker engine at ssh://root@{NS_ADDR}: ssh: root@{NS_ADDR}: Permission denied (publickey)" in r.stderr
    assert "ssh-copy-id" in r.stderr

    # A host key that is not the one known.
    (tmp_path / "ssh_config").write_text(cfg)
    known = (tmp_path / "known_hosts").read_text()
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "impostor"))
    imp = (tmp_path / "impostor.pub").read_text().split()
    (tmp_path / "known_hosts").write_text(f"{NS_ADDR} {imp[0]} {imp[1]}\n")
    r = devenv(folder, "status", "-p", "aws", env=env, timeout=60)
    assert r.returncode == 3, r.stderr
    assert "Host key verification failed" in r.stderr and "cannot accept a host key" in r.stderr
    (tmp_path / "known_hosts").write_text(known)


def test_docker_context(remote, tmp_path):
    """A docker context made with `docker context create` (in a DOCKER_CONFIG of the test's own) and
    made current with `docker context use`: devenv follows it with no DOCKER_HOST set, says so in
    doctor, and tells Compose the same engine."""
    cfg = tmp_path / "docker-config"
    cfg.mkdir()
    denv = {**os.environ, "DOCKER_CONFIG": str(cfg)}
    denv.pop("DOCKER_HOST", None)
    sh("docker", "context", "create", "rt-ns", "--docker", f"host={TCP}", env=denv)
    sh("docker", "context", "use", "rt-ns", env=denv)
    env = {"DOCKER_CONFIG": str(cfg)}
    folder = tmp_path / "ctx"
    folder.mkdir()
    d = devenv(folder, "doctor", "--json", env=env)
    checks = {c["name"]: c for c in json.loads(d.stdout)["checks"]}
    assert checks["docker_host"]["summary"] == (f"engine {TCP} (from docker context 'rt-ns' ({cfg}/config.json)); "
                                                f"published ports on {NS_ADDR} (the engine's address)")
    assert checks["engine"]["status"] == "ok" and TCP in checks["engine"]["summary"]

    name = f"rt-{uuid.uuid4().hex[:8]}"
    up = devenv(folder, "up", "aws", *AWS_ARGS, "--project-name", name, "--no-seed", env=env)
    assert up.returncode == 0, up.stderr
    assert len(project_containers(remote, name)) == 2 and shared_containers(name) == []
    assert exports(folder, env)["AWS_ENDPOINT_URL"] == f"http://{NS_ADDR}:4566"
    # DOCKER_CONTEXT names another context: that one wins over config.json, and it does not exist.
    r = devenv(folder, "status", env={**env, "DOCKER_CONTEXT": "nosuch"})
    assert r.returncode == 3 and "docker context 'nosuch' (DOCKER_CONTEXT) does not exist" in r.stderr, r.stderr
    down = devenv(folder, "down", "--volumes", env=env)
    assert down.returncode == 0, down.stderr
    assert project_containers(remote, name) == []


# Loaded on first use (cli/lazy/), so not in the binary's ldd: they and what they need go along.
LAZY_LIBS = ("libcurl.so.4", "libpq.so.5", "librdkafka.so.1")


def runtime_libs():
    """The shared libraries devenv needs that are not glibc's (the container's own glibc loads them):
    the binary's own and those of the libraries it loads on first use."""
    lazy = []
    for soname in LAZY_LIBS:
        found = [l.split("=>")[1].strip() for l in sh("ldconfig", "-p").stdout.splitlines()
                 if l.strip().startswith(soname + " ") and "x86-64" in l]
        assert found, f"{soname} is not installed: run scripts/install-deps.sh"
        lazy.append(found[0])
    libs = list(lazy)
    for target in (DEVENV, *lazy):
        for line in sh("ldd", target).stdout.splitlines():
            parts = line.split("=>")
            if len(parts) != 2:
                continue
            path = parts[1].split("(")[0].strip()
            base = os.path.basename(path)
            if not path or any(base.startswith(g) for g in ("libc.so", "libm.so", "libpthread", "libdl.so", "librt.so",
                                                             "ld-linux", "libresolv")):
                continue
            if path not in libs:
                libs.append(path)
    return libs


def test_devcontainer_layout(engine, tmp_path):
    """devenv inside a container of the shared engine with the host's socket mounted (a
    devcontainer, Codespaces): it finds itself in a container (/.dockerenv) with no bridge of its
    own, so the published ports are on the container's host: host.docker.internal when
    `--add-host host.docker.internal:host-gateway` names it, else the default gateway. Probes and
    seed from inside reach them there; from the host they are on 127.0.0.1; DEVENV_HOST overrides."""
    docker_cli = shutil.which("docker")
    plugin = Path("/usr/local/lib/docker/cli-plugins/docker-compose")
    if not plugin.exists():
        pytest.fail(f"{plugin} missing: run scripts/start-engine.sh")
    libdir = tmp_path / "lib"
    libdir.mkdir()
    for lib in runtime_libs():
        shutil.copy2(os.path.realpath(lib), libdir / os.path.basename(lib))
    folder = tmp_path / "dc"
    folder.mkdir()
    name = f"dc-{uuid.uuid4().hex[:8]}"
    offset = free_offset([4566, 5432])

    def inside(*args, add_host=True, extra_env=(), timeout=300):
        argv = ["docker", "run", "--rm", "-v", "/var/run/docker.sock:/var/run/docker.sock",
                "-v", f"{DEVENV}:/usr/local/bin/devenv:ro", "-v", f"{libdir}:/opt/devenv/lib:ro",
                "-v", f"{docker_cli}:/usr/local/bin/docker:ro",
                "-v", f"{plugin}:/usr/local/lib/docker/cli-plugins/docker-compose:ro",
                # The project at the same path as on the host, as devcontainers mount it: paths
                # Compose hands the engine are the host's.
                "-v", f"{folder}:{folder}", "-w", str(folder),
                "-e", "LD_LIBRARY_PATH=/opt/devenv/lib", "-e", "NO_COLOR=1", "-e", "AWS_EMULATOR=moto",
                *sum((["-e", e] for e in extra_env), []),
                *(["--add-host", "host.docker.internal:host-gateway"] if add_host else []),
                "--entrypoint", "devenv", IMAGES[0], *args]
        t0 = time.monotonic()
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        p.secs = time.monotonic() - t0
        return p

    try:
        up = inside("up", "aws", *AWS_ARGS, "--project-name", name, "--port-offset", str(offset))
        assert up.returncode == 0, up.stderr + up.stdout
        # The containers are the host engine's; seen from the host, the ports are on 127.0.0.1.
        assert len(shared_containers(name)) == 2
        x = json.loads(inside("env", "--format", "json").stdout)["variables"]
        assert x["AWS_ENDPOINT_URL"] == f"http://host.docker.internal:{4566 + offset}", x
        host_x = f"http://127.0.0.1:{4566 + offset}"
        assert "acme-uploads" in aws_cli(host_x, "s3api", "list-buckets").stdout

        st = inside("status", "--json")
        assert st.returncode == 0, st.stderr
        assert all(s["ready"] for s in json.loads(st.stdout)["services"])
        seed = inside("seed")
        assert seed.returncode == 0 and "unchanged" in seed.stdout + seed.stderr, seed.stderr

        # Without --add-host: the container's default gateway (the host's docker0 address).
        # (the engine's IPAM may not name a gateway: the bridge interface's address is it)
        gw = sh("ip", "-4", "-o", "addr", "show", "docker0").stdout.split()[3].split("/")[0]
        d = inside("doctor", "--json", add_host=False)
        checks = {c["name"]: c for c in json.loads(d.stdout)["checks"]}
        assert f"published ports on {gw} (devenv runs in a container (/.dockerenv) on the engine's host: its default gateway)" \
            in checks["docker_host"]["summary"], checks["docker_host"]
        assert checks["published_port"]["status"] == "ok", checks["published_port"]
        st = inside("status", "--json", add_host=False)
        assert st.returncode == 0, st.stderr

        # DEVENV_HOST wins.
        x = json.loads(inside("env", "--format", "json", extra_env=[f"DEVENV_HOST={gw}"]).stdout)["variables"]
        assert x["AWS_ENDPOINT_URL"] == f"http://{gw}:{4566 + offset}"

        down = inside("down", "--volumes")
        assert down.returncode == 0, down.stderr
        assert shared_containers(name) == []
    finally:
        docker("compose", "-p", name, "down", "--volumes", "--timeout", "3", timeout=180)


PODMAN_PROFILE = """name: pm
services:
  cache:
    template: redis
    with: {port: 6391}
seed:
  cache:
    redis:
      keys:
        - {key: greeting, value: hello}
        - {key: admins, type: set, value: [alice]}
"""


def test_podman(remote, tmp_path):
    """Podman's Docker-compatible API (Debian 12's podman 4.3, rootful, vfs storage, CNI) as the
    engine, with Compose v2 against its socket: up, status, seed, reset, down, checked with
    redis-cli. Podman runs in the test's network namespace too (its CNI bridges and iptables
    rules stay there), so its socket is a local unix socket while its ports are on 10.211.0.2:
    DEVENV_HOST says so. Its default ulimits cannot be set here (no CAP_SYS_RESOURCE: "error
    setting rlimit type 7: operation not permitted"), so containers.conf lowers them."""
    podman = shutil.which("podman")
    if not podman:
        pytest.fail("podman missing: run scripts/install-deps.sh")
    if not shutil.which("redis-cli"):
        pytest.fail("redis-cli missing: run scripts/install-deps.sh")
    root = Path(tempfile.mkdtemp(prefix="dvpm-", dir="/tmp"))  # short: the socket path
    sock = root / "podman.sock"
    (root / "containers.conf").write_text('[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n')
    (root / "cni").mkdir()
    base = [podman, "--root", str(root / "storage"), "--runroot", str(root / "run"), "--storage-driver", "vfs",
            "--network-config-dir", str(root / "cni")]
    penv = {**os.environ, "CONTAINERS_CONF": str(root / "containers.conf")}
    penv.pop("DOCKER_HOST", None)
    service = None
    folder = tmp_path / "pm"
    folder.mkdir()
    (folder / "devenv.yaml").write_text(PODMAN_PROFILE)
    env = {"DOCKER_HOST": f"unix://{sock}", "DEVENV_HOST": NS_ADDR}
    args = ["--set", "services.cache.image=devenv-standin/redis:8"]
    try:
        t0 = time.monotonic()
        save = subprocess.Popen(["docker", "save", "devenv-standin/redis:8"], stdout=subprocess.PIPE)
        load = subprocess.run([*base, "load"], stdin=save.stdout, capture_output=True, text=True, env=penv, timeout=900)
        save.stdout.close()
        assert save.wait(900) == 0 and load.returncode == 0, load.stderr
        print(f"\npodman load: {time.monotonic() - t0:.1f} s")
        with open(root / "service.log", "ab") as log:
            service = subprocess.Popen(["nsenter", f"--net=/run/netns/{NS}", *base, "system", "service", "--time", "0", f"unix://{sock}"],
                                       env=penv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 30
        while subprocess.run(["docker", "-H", f"unix://{sock}", "version"], capture_output=True).returncode != 0:
            assert service.poll() is None and time.monotonic() < deadline, (root / "service.log").read_text()
            time.sleep(0.3)

        d = devenv(folder, "doctor", "--json", *args, env=env)
        checks = {c["name"]: c for c in json.loads(d.stdout)["checks"]}
        assert checks["engine"]["status"] == "ok", checks["engine"]
        assert f"published ports on {NS_ADDR} (DEVENV_HOST)" in checks["docker_host"]["summary"]

        up = devenv(folder, "up", *args, env=env, timeout=600)
        assert up.returncode == 0, up.stderr + up.stdout
        print(f"up on podman: {up.secs:.1f} s")
        cli = ["redis-cli", "-h", NS_ADDR, "-p", "6391"]
        assert sh(*cli, "GET", "greeting").stdout.strip() == "hello"
        assert "REDIS_URL" in exports(folder, env) and f"{NS_ADDR}:6391" in exports(folder, env)["REDIS_URL"]
        st = devenv(folder, "status", "--json", env=env)
        assert st.returncode == 0, st.stderr
        assert json.loads(st.stdout)["services"][0]["ready"] is True
        seed = devenv(folder, "seed", env=env)
        assert seed.returncode == 0 and "unchanged" in seed.stdout + seed.stderr, seed.stderr
        sh(*cli, "SET", "app:key", "written by the app")
        reset = devenv(folder, "reset", env=env)
        assert reset.returncode == 0, reset.stderr + reset.stdout
        assert sh(*cli, "EXISTS", "app:key").stdout.strip() == "0"
        assert sh(*cli, "SMEMBERS", "admins").stdout.strip() == "alice"
        down = devenv(folder, "down", "--volumes", env=env, timeout=300)
        assert down.returncode == 0, down.stderr
        left = subprocess.run(["docker", "-H", f"unix://{sock}", "ps", "-aq"], capture_output=True, text=True).stdout.split()
        assert left == []
    finally:
        if service and service.poll() is None:
            subprocess.run(["docker", "-H", f"unix://{sock}", "rm", "-f", "-v",
                            *subprocess.run(["docker", "-H", f"unix://{sock}", "ps", "-aq"], capture_output=True,
                                            text=True).stdout.split()], capture_output=True)
            os.killpg(service.pid, signal.SIGTERM)
            service.wait(30)
        mounts = [l.split()[1] for l in Path("/proc/mounts").read_text().splitlines() if str(root) in l.split()[1]]
        for m in sorted(mounts, key=len, reverse=True):
            subprocess.run(["umount", "-l", m], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)

"""A real image registry for the pull tests: Debian's `docker-registry` (the CNCF distribution
registry) on a random free 127.0.0.1 port with its storage in a temporary folder (dockerd treats
127.0.0.0/8 registries as insecure, so plain HTTP works without configuring the engine), and a
tiny TCP proxy in front of it that can throttle what flows back to the engine (so a pull lasts
long enough to be seen, and to be cut in the middle) or answer every request with HTTP 429.

Images are pushed under registry names made only for the tests: a stand-in image plus one layer
of random bytes (docker create/cp/commit), so that a pull really transfers that layer (the
stand-in's own layer is on the engine already and shows as "Already exists")."""
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def docker(*args, timeout=300, env=None, check=True):
    p = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout,
                       env={**os.environ, **(env or {})})
    if check and p.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed: {p.stdout}{p.stderr}")
    return p


class Registry:
    """One docker-registry process; `htpasswd` = (user, password) turns on basic auth."""

    def __init__(self, folder, htpasswd=None, storage=None):
        """`storage`: another registry's storage folder, to serve the same images (pushing a
        stand-in's base layer costs minutes on these machines)."""
        self.folder = folder
        self.port = free_port()
        self.addr = f"127.0.0.1:{self.port}"
        self.proc = None
        self.htpasswd = htpasswd
        folder.mkdir(parents=True, exist_ok=True)
        self.storage = storage or folder / "storage"
        self.storage.mkdir(parents=True, exist_ok=True)
        config = [
            "version: 0.1",
            "log: {level: error}",
            f"storage: {{filesystem: {{rootdirectory: {self.storage}}}, delete: {{enabled: true}}}}",
            f"http: {{addr: '{self.addr}'}}",
        ]
        if htpasswd:
            if not shutil.which("htpasswd"):
                pytest.fail("htpasswd (apache2-utils) is needed: run scripts/install-deps.sh")
            user, password = htpasswd
            p = subprocess.run(["htpasswd", "-Bbn", user, password], capture_output=True, text=True, check=True)
            (folder / "htpasswd").write_text(p.stdout)
            config.append(f"auth: {{htpasswd: {{realm: devenv-test, path: {folder / 'htpasswd'}}}}}")
        (folder / "config.yml").write_text("\n".join(config) + "\n")

    def start(self):
        binary = shutil.which("docker-registry")
        if not binary:
            pytest.fail("docker-registry (Debian package) is needed: run scripts/install-deps.sh")
        self.log = open(self.folder / "registry.log", "ab")
        self.proc = subprocess.Popen([binary, "serve", str(self.folder / "config.yml")], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://{self.addr}/v2/", timeout=1)
                return self
            except urllib.error.HTTPError as e:
                if e.code == 401:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"docker-registry did not start: {(self.folder / 'registry.log').read_text()[-2000:]}")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self):
        self.kill()
        if getattr(self, "log", None):
            self.log.close()


class Proxy:
    """Forwards TCP connections from a free 127.0.0.1 port to `target`. `rate` (bytes/s) limits
    what flows back to the client, per connection; mode "429" answers every request itself with
    Too Many Requests, the way Docker Hub says a pull limit was reached."""

    def __init__(self, target, rate=None, mode="forward"):
        self.target = target
        self.rate = rate
        self.mode = mode
        self.port = free_port()
        self.addr = f"127.0.0.1:{self.port}"
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(64)
        self.closed = False
        self.bytes_back = 0
        self.conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        if self.mode == "429":
            try:
                client.recv(65536)
                body = b'{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}'
                client.sendall(b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
                               b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
            except OSError:
                pass
            client.close()
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", int(self.target.rsplit(":", 1)[1])), timeout=5)
            upstream.settimeout(None)
        except OSError:
            client.close()
            return
        self.conns.append(upstream)

        def pump(src, dst, throttle):
            t0, sent = time.monotonic(), 0
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
                    if throttle:
                        self.bytes_back += len(data)
                        sent += len(data)
                        ahead = sent / self.rate - (time.monotonic() - t0)
                        if ahead > 0:
                            time.sleep(ahead)
            except OSError:
                pass
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        threading.Thread(target=pump, args=(client, upstream, False), daemon=True).start()
        threading.Thread(target=pump, args=(upstream, client, bool(self.rate)), daemon=True).start()

    def close(self):
        self.closed = True
        try:
            self.sock.close()
        except OSError:
            pass
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass


def push_with_blob(registry, standin, repo, megabytes, docker_env=None):
    """`standin` plus one layer of `megabytes` random bytes, pushed as REGISTRY/repo; the local
    image made for it is removed again (nothing of it stays on the engine)."""
    name = f"{registry.addr}/{repo}"
    blob = registry.folder / f"blob-{uuid.uuid4().hex[:8]}"
    with open(blob, "wb") as f:
        for _ in range(megabytes):
            f.write(os.urandom(1 << 20))
    cid = docker("create", standin).stdout.strip()
    try:
        docker("cp", str(blob), f"{cid}:/devenv-test-blob")
        docker("commit", cid, name)
    finally:
        docker("rm", "-f", cid, check=False)
        blob.unlink()
    try:
        docker("push", name, env=docker_env, timeout=600)
    finally:
        docker("rmi", name, check=False)
    return name


def remove_tags(*names):
    """Removes only these registry-named tags (made by these tests) from the engine."""
    for n in names:
        docker("rmi", "-f", n, check=False)


def image_present(name):
    return docker("image", "inspect", name, check=False).returncode == 0

"""Image pulls for real: a local registry (Debian's docker-registry, started here) holds the
stand-in images under registry names, each with one layer of random bytes that the engine does
not have; profiles point at it; the engine is made to lack those images first (only the
registry-named tags these tests made are removed). devenv pulls them through the Engine API
before Compose runs, and shows it: live lines on a pseudo-terminal, timestamped lines when piped,
pull events with --json. Failures (a missing tag, no registry, a login needed, a rate limit, the
registry going away mid-pull) exit 3, name the image, the registry's answer and the fix, and
start nothing."""
import json
import os
import re
import select
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import AWS_ENV, AWS_PORTS, DEVENV, Env, docker as docker_cli, run
from pull_registry import Proxy, Registry, docker, free_port, image_present, push_with_blob, remove_tags
import test_docs

MB = 1_000_000
PG_BLOB_MB = 160   # the largest: the mid-pull drill cuts it
MOTO_BLOB_MB = 24
TS = r"^\d\d:\d\d:\d\d "


def standin_id(image):
    return docker("image", "inspect", "--format", "{{.Id}}", image).stdout.strip().split(":")[-1][:12]


@pytest.fixture(scope="module")
def registry(engine, tmp_path_factory):
    """A registry with devenv/postgres:17 and devenv/moto:5 (stand-ins plus a random layer).
    Pushing a stand-in's 650 MB base layer takes minutes here, so the registry's storage is kept
    between runs (DEVENV_TEST_REGISTRY_CACHE, default /var/cache/devenv-test-registry), keyed by
    the stand-ins' image ids and the blob sizes; the engine never keeps the pushed images."""
    cache = Path(os.environ.get("DEVENV_TEST_REGISTRY_CACHE", "/var/cache/devenv-test-registry"))
    key = f"{standin_id('devenv-standin/postgres:17')}-{standin_id('devenv-standin/moto:5')}-{PG_BLOB_MB}-{MOTO_BLOB_MB}"
    storage = cache / key
    complete = storage / ".complete"
    if not complete.exists() and storage.exists():
        shutil.rmtree(storage)
    reg = Registry(tmp_path_factory.mktemp("registry"), storage=storage).start()
    try:
        if not complete.exists():
            for old in cache.glob("*"):
                if old != storage:
                    shutil.rmtree(old, ignore_errors=True)
            push_with_blob(reg, "devenv-standin/postgres:17", "devenv/postgres:17", PG_BLOB_MB)
            push_with_blob(reg, "devenv-standin/moto:5", "devenv/moto:5", MOTO_BLOB_MB)
            complete.write_text("pushed\n")
        yield reg
    finally:
        reg.stop()


@pytest.fixture
def proxies(registry):
    made = []

    def make(rate=None, mode="forward", target=None):
        p = Proxy(target or registry.addr, rate=rate, mode=mode)
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()
        remove_tags(*images_via(p.addr).values())


def images_via(addr, pg_tag="17"):
    return {"postgres": f"{addr}/devenv/postgres:{pg_tag}", "aws": f"{addr}/devenv/moto:5"}


def pulled_env(folder, images):
    """The aws profile on moto with both images from `images`: an Env whose teardown the test owns."""
    args = [a for svc, img in images.items() for a in ("--set", f"services.{svc}.image={img}")]
    return Env(folder, args, AWS_ENV, AWS_PORTS)


@pytest.fixture
def envs(engine, tmp_path):
    made = []

    def make(images):
        e = pulled_env(tmp_path / f"proj{len(made)}", images)
        e.dir.mkdir()
        made.append(e)
        return e

    yield make
    for e in made:
        e.remove()


def containers_of(e):
    return docker_cli("ps", "-aq", "--filter", f"label=com.docker.compose.project={e.name}").stdout.split()


def on_pty(args, cwd, extra_env, timeout=300):
    """devenv on a pseudo-terminal (stdin, stdout and stderr), as a person at a terminal runs it."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    env.update({"TERM": "xterm-256color", **extra_env})
    master, slave = os.openpty()
    p = subprocess.Popen([DEVENV, *args], cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the last writer closed the terminal
                break
            if not data:
                break
            out += data
        elif p.poll() is not None:
            break
    else:
        p.kill()
        raise AssertionError(f"devenv did not finish within {timeout} s on the terminal: {out.decode(errors='replace')}")
    os.close(master)
    return p.wait(30), out.decode(errors="replace")


def events(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


# ----------------------------------------------------------------------------------- happy paths


def test_pull_command_plain_lines_then_json_events(registry, proxies, envs):
    """`devenv pull` piped: one timestamped line when each pull starts, a progress line every 5 s
    (bytes, layers, speed), one when it ends; then the images are on the engine. `--missing`
    then pulls nothing; after the tags are removed, `--json` prints the documented events."""
    proxy = proxies(rate=16 * MB)    # 160 MB: about 10 s, so at least one 5-second line
    images = images_via(proxy.addr)
    remove_tags(*images.values())
    e = envs(images)
    t0 = time.monotonic()
    r = e.devenv("pull", "aws", *e.base_args)
    took = time.monotonic() - t0
    assert r.code == 0, r
    err = r.err
    assert "\x1b[" not in err + r.out, r
    pg = re.escape(images["postgres"])
    assert re.search(TS + rf"pull {pg} started \(service postgres\)$", err, re.M), err
    assert re.search(TS + rf"pull {pg} \d+\.\d MB / \d+\.\d MB  layers \d/2  \d+\.\d MB/s", err, re.M), err
    assert re.search(TS + rf"pull {pg} pulled 1[67]\d\.\d MB in \d+\.\d s", err, re.M), err
    assert re.search(TS + rf"pull {re.escape(images['aws'])} pulled", err, re.M), err
    progress = re.findall(TS + rf"pull {pg} \d", err, re.M)
    assert 1 <= len(progress) <= took / 5 + 1, err        # not more often than every 5 s
    assert re.search(r"^pulled 2 images \(2 new, 1[89]\d\.\d MB downloaded\)", r.out, re.M), r
    assert all(image_present(i) for i in images.values())
    assert proxy.bytes_back > PG_BLOB_MB * MB                # it really came through the registry

    again = e.devenv("pull", "aws", "--missing", "--json", *e.base_args)
    assert again.code == 0, again
    (summary,) = events(again.out)
    assert summary["event"] == "pulled" and summary["pulled"] == [], summary
    assert sorted(summary["present"]) == sorted(images.values()), summary

    remove_tags(*images.values())
    js = e.devenv("pull", "aws", "--json", *e.base_args)
    assert js.code == 0, js
    evs = events(js.out)
    tables = test_docs.json_tables()
    for ev in evs:
        assert ev["command"] == "pull", ev
        test_docs.check_against(ev, "event-pull" if ev["event"] != "pulled" else "event-pulled", tables)
    kinds = [ev["event"] for ev in evs]
    assert kinds.count("pull_started") == 2 and kinds.count("pull_done") == 2 and kinds[-1] == "pulled", kinds
    done = {ev["image"]: ev for ev in evs if ev["event"] == "pull_done"}
    assert done[images["postgres"]]["layers_done"] == done[images["postgres"]]["layers_total"] == 2
    assert done[images["postgres"]]["bytes_total"] > PG_BLOB_MB * MB and not done[images["postgres"]]["up_to_date"]
    prog = [ev for ev in evs if ev["event"] == "pull_progress" and ev["image"] == images["postgres"]]
    assert prog and all(b["elapsed_s"] - a["elapsed_s"] >= 0.99 for a, b in zip(prog, prog[1:])), prog


def test_up_on_a_terminal_shows_live_pull_lines_then_starts(registry, proxies, envs):
    """The first `up` on a terminal: one line per image redrawn in place while it pulls, then the
    services start from the pulled images (Compose pulls nothing: `--pull never`)."""
    proxy = proxies(rate=32 * MB)
    images = images_via(proxy.addr)
    remove_tags(*images.values())
    e = envs(images)
    code, out = on_pty(e.up_args("aws"), e.dir, e.env)
    assert code == 0, out
    pg = re.escape(images["postgres"])
    assert re.search(r"\x1b\[\d+A", out), out                         # redrawn in place
    frames = re.findall(rf"{pg}\s+(\d+\.\d) MB / (\d+\.\d) MB  layers (\d)/2", out)
    assert len(frames) >= 3, out                                        # a live line, several states
    assert float(frames[-1][0]) >= float(frames[0][0])
    assert re.search(rf"{pg}\s+.*pulled 1[67]\d\.\d MB in \d+\.\d s", out), out
    assert re.search(r"postgres\s+.*ready in \d+\.\d s", out), out
    assert not re.search(TS, out, re.M), out                            # no CI lines on a terminal
    c = e.containers()
    assert c["postgres"]["Config"]["Image"] == images["postgres"] and c["aws"]["Config"]["Image"] == images["aws"]

    # Up again: nothing to pull, nothing shown about pulls.
    code, out = on_pty(e.up_args("aws"), e.dir, e.env)
    assert code == 0 and "pulled" not in out and "already up" in out, out


def test_up_json_prints_pull_events_before_the_wait(registry, proxies, envs):
    proxy = proxies()
    images = images_via(proxy.addr)
    remove_tags(*images.values())
    e = envs(images)
    r = e.devenv(*e.up_args("aws"), "--json")
    assert r.code == 0, r
    evs = events(r.out)
    tables = test_docs.json_tables()
    kinds = [ev["event"] for ev in evs]
    for ev in evs:
        if ev["event"].startswith("pull_"):
            assert ev["command"] == "up"
            test_docs.check_against(ev, "event-pull", tables)
    last_pull = max(i for i, k in enumerate(kinds) if k.startswith("pull_"))
    first_wait = min(i for i, k in enumerate(kinds) if k in ("waiting", "probing", "ready"))
    assert kinds.count("pull_done") == 2 and last_pull < first_wait, kinds


def test_quiet_shows_no_pulls(registry, proxies, envs):
    proxy = proxies()
    images = images_via(proxy.addr)
    remove_tags(*images.values())
    e = envs(images)
    r = e.devenv("pull", "aws", "--quiet", *e.base_args)
    assert r.code == 0 and r.err == "", r
    assert all(image_present(i) for i in images.values())


# -------------------------------------------------------------------------------------- failures


def assert_nothing_started(e, r):
    assert r.code == 3, r
    assert containers_of(e) == [], r
    assert "nothing was started" in r.err, r


def test_pull_never_with_a_missing_image_fails_before_anything_starts(registry, proxies, envs):
    proxy = proxies()
    images = images_via(proxy.addr)
    remove_tags(*images.values())
    e = envs(images)
    r = e.devenv(*e.up_args("aws"), "--pull", "never")
    assert_nothing_started(e, r)
    assert "--pull never" in r.err and images["postgres"] in r.err and "devenv pull" in r.err, r
    assert proxy.bytes_back == 0, "nothing may be fetched under --pull never"
    bad = e.devenv(*e.up_args("aws"), "--pull", "sometimes")
    assert bad.code == 2 and "--pull" in bad.err, bad


def test_a_missing_tag_is_not_found_names_the_tag_and_starts_nothing(registry, proxies, envs):
    proxy = proxies()
    images = images_via(proxy.addr, pg_tag="17.99")
    remove_tags(*images.values())
    e = envs(images)
    r = e.devenv(*e.up_args("aws"))
    assert_nothing_started(e, r)
    assert f"cannot pull image {images['postgres']} (service postgres)" in r.err, r
    assert "has no such image or tag" in r.err and "manifest unknown" in r.err, r
    assert "tag `17.99`" in r.err and "typo" in r.err, r
    js = e.devenv(*e.up_args("aws"), "--json")
    assert js.code == 3, js
    failed = [ev for ev in events(js.out) if ev["event"] == "pull_failed"]
    assert failed and failed[0]["reason"] == "not_found" and failed[0]["image"] == images["postgres"], js.out
    test_docs.check_against(failed[0], "event-pull", test_docs.json_tables())


def test_no_registry_is_unreachable_and_doctor_says_so(registry, proxies, envs):
    nothing = f"127.0.0.1:{free_port()}"
    e = envs(images_via(nothing))
    t0 = time.monotonic()
    r = e.devenv(*e.up_args("aws"))
    assert time.monotonic() - t0 < 30, r
    assert_nothing_started(e, r)
    assert "is unreachable" in r.err and "connection refused" in r.err and "devenv doctor" in r.err, r

    doc = e.devenv("doctor", "aws", "--json", *e.base_args, "--port-offset", str(e.offset))
    checks = {c["name"]: c for c in json.loads(doc.out)["checks"]}
    assert checks["registries"]["status"] == "fail" and nothing in checks["registries"]["summary"], checks
    assert checks["registries"]["fix"], checks
    dns = envs({"postgres": "registry.devenv-test.invalid/devenv/postgres:17", "aws": f"{nothing}/devenv/moto:5"})
    r = dns.devenv(*dns.up_args("aws"))
    assert_nothing_started(dns, r)
    assert "cannot pull 2 images" in r.err and "(unreachable)" in r.err, r

    proxy = proxies()
    good = envs(images_via(proxy.addr))
    remove_tags(*images_via(proxy.addr).values())
    doc = good.devenv("doctor", "aws", "--json", *good.base_args, "--port-offset", str(good.offset))
    checks = {c["name"]: c for c in json.loads(doc.out)["checks"]}
    assert checks["registries"]["status"] == "ok" and proxy.addr in checks["registries"]["summary"], checks


def test_rate_limited(registry, proxies, envs):
    proxy = proxies(mode="429")
    e = envs(images_via(proxy.addr))
    remove_tags(*images_via(proxy.addr).values())
    r = e.devenv(*e.up_args("aws"), "--json")
    assert_nothing_started(e, r)
    assert "rate-limiting" in r.err and "docker login" in r.err, r
    reasons = {ev["reason"] for ev in events(r.out) if ev["event"] == "pull_failed"}
    assert reasons == {"rate_limited"}, r.out


def test_a_registry_that_needs_login(registry, tmp_path, envs):
    """htpasswd auth (a second registry process serving the same storage): without credentials
    `docker login REGISTRY` is the fix; devenv hands the docker CLI's credentials (config.json
    `auths`, or a credential helper) to the engine; refused ones are said to be refused."""
    import base64
    reg = Registry(tmp_path / "auth-registry", htpasswd=("devenv", "s3cret-pass"), storage=registry.storage).start()
    images = images_via(reg.addr)
    remove_tags(*images.values())

    def config(name, doc):
        d = tmp_path / name
        d.mkdir()
        (d / "config.json").write_text(json.dumps(doc))
        return str(d)

    try:
        e = envs(images)
        r = e.devenv(*e.up_args("aws"), env={"DOCKER_CONFIG": config("empty", {})})
        assert_nothing_started(e, r)
        assert "refused access (login required)" in r.err and f"docker login {reg.addr}" in r.err, r

        wrong = config("wrong", {"auths": {reg.addr: {"auth": base64.b64encode(b"devenv:nope-nope").decode()}}})
        r = e.devenv(*e.up_args("aws"), env={"DOCKER_CONFIG": wrong})
        assert_nothing_started(e, r)
        assert "refused the credentials" in r.err and "nope-nope" not in r.err + r.out, r

        good = config("good", {"auths": {reg.addr: {"auth": base64.b64encode(b"devenv:s3cret-pass").decode()}}})
        r = e.devenv("pull", "aws", *e.base_args, env={"DOCKER_CONFIG": good})
        assert r.code == 0, r
        assert "s3cret" not in r.err + r.out
        assert all(image_present(i) for i in images.values())
        remove_tags(*images.values())

        # A credential helper (credsStore), run as `docker-credential-NAME get`, server on stdin.
        helper_dir = tmp_path / "bin"
        helper_dir.mkdir()
        helper = helper_dir / "docker-credential-devenvtest"
        helper.write_text("#!/bin/sh\nread server\n[ \"$1\" = get ] || exit 2\n"
                          f"[ \"$server\" = {reg.addr} ] || {{ echo 'credentials not found in native keychain'; exit 1; }}\n"
                          "printf '{\"ServerURL\":\"%s\",\"Username\":\"devenv\",\"Secret\":\"s3cret-pass\"}' \"$server\"\n")
        helper.chmod(0o755)
        store = config("store", {"credsStore": "devenvtest"})
        r = e.devenv("pull", "aws", *e.base_args, env={"DOCKER_CONFIG": store, "PATH": f"{helper_dir}:{os.environ['PATH']}"})
        assert r.code == 0, r
        assert all(image_present(i) for i in images.values()) and "s3cret" not in r.err + r.out
    finally:
        reg.stop()
        remove_tags(*images.values())


def test_registry_killed_in_the_middle_of_a_pull(registry, proxies, envs):
    """The registry process dies while the largest image's layer streams (throttled to 8 MB/s):
    the engine retries, then devenv fails with exit 3 naming the image and the unreachable
    registry, and no container exists. The registry is started again for the next tests."""
    proxy = proxies(rate=8 * MB)
    images = images_via(proxy.addr)
    remove_tags(*images.values())
    e = envs(images)
    log = open(e.dir / "up.log", "w")
    env = {**os.environ, **e.env, "CI": "true", "NO_COLOR": "1"}
    p = subprocess.Popen([DEVENV, *e.up_args("aws")], cwd=e.dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while proxy.bytes_back < 40 * MB and time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.1)
        assert p.poll() is None and proxy.bytes_back >= 40 * MB, (e.dir / "up.log").read_text()
        registry.kill()
        killed = time.monotonic()
        code = p.wait(180)
        took = time.monotonic() - killed
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
            p.wait(30)
        log.close()
        registry.start()
    out = (e.dir / "up.log").read_text()
    print(f"mid-pull kill: exit {code} {took:.1f} s after the registry died")
    assert code == 3, out
    assert containers_of(e) == [], out
    assert images["postgres"] in out and "unreachable" in out and "nothing was started" in out, out
    assert re.search(TS + rf"pull {re.escape(images['postgres'])} \d+\.\d MB / ", out, re.M), out
    assert not image_present(images["postgres"])

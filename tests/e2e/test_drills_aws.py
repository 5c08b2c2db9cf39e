"""Fault drills for the AWS seeders: AWS throttling and 5xx answers, and a 4xx, from a small
fault-injecting HTTP proxy (fault_proxy.py, stdlib) in front of the moto stand-in. devenv is
pointed at the proxy with the profile's own means: the moto service's `probe: {host, port}`
(the seeders talk to the endpoint the probe names), so `up`'s wait and the seed both go through
it. The proxy counts every request and when it came, which gives the attempts per request and
the backoff between them; the result is checked with the aws CLI against moto directly.

devenv's policy (cli/aws/client.cpp): throttling codes, 429 and 5xx are retried, 4 attempts in
all, after 25-50 ms, 50-100 ms and 100-200 ms (exponential backoff from 50 ms, full jitter in
the upper half); any other 4xx is not retried."""
import json
import statistics
import time

import pytest
import yaml

from conftest import docker
from fault_proxy import Fault, FaultProxy
from test_lifecycle import aws

QUEUES = [f"drill-q{i}" for i in range(4)]
PARAMS = {f"/drill/p{i}": f"value-{i}" for i in range(6)}
MAX_ATTEMPTS = 4
# Backoff before attempt 2, 3, 4 (seconds): [half, all] of 50, 100, 200 ms.
BACKOFF = [(0.025, 0.050), (0.050, 0.100), (0.100, 0.200)]
SLACK = 0.300  # scheduling on a loaded, shared 2-core machine (load 7 seen), the proxy's own work


@pytest.fixture
def proxied(make_env):
    """A moto service whose probe (and so every seeder call) goes through the fault proxy."""
    if docker("image", "inspect", "devenv-standin/moto:5").returncode != 0:
        pytest.fail("stand-in image devenv-standin/moto:5 missing: run scripts/build-standin-images.sh")
    e = make_env(None, ports={"aws": 4566})
    proxy = FaultProxy(e.ports["aws"])
    profile = {
        "name": "drill-aws",
        "services": {"aws": {"template": "moto",
                             "with": {"image": "devenv-standin/moto:5", "services": ["sqs", "ssm"]},
                             "probe": {"host": "127.0.0.1", "port": proxy.port}}},
        "seed": {"aws": {"sqs": {"queues": [{"name": q} for q in QUEUES]},
                         "ssm": {"parameters": PARAMS}}},
    }
    (e.dir / "devenv.yaml").write_text(yaml.safe_dump(profile, sort_keys=False))
    r = e.devenv("up", "--project-name", e.name, "--port-offset", str(e.offset), "--no-seed", timeout=300)
    assert r.code == 0, r
    assert proxy.seen, "the probe did not go through the proxy"
    e.proxy = proxy
    yield e
    proxy.close()


def emulator_state(e):
    """Queues and parameters as moto holds them (aws CLI straight to moto, not the proxy)."""
    port = e.ports["aws"]
    urls = json.loads(aws(port, "sqs", "list-queues") or "{}").get("QueueUrls", [])
    params = json.loads(aws(port, "ssm", "get-parameters-by-path", "--path", "/drill", "--recursive"))["Parameters"]
    return sorted(u.rsplit("/", 1)[1] for u in urls), {p["Name"]: p["Value"] for p in params}


def seed(e, timeout=120):
    t0 = time.monotonic()
    r = e.devenv("seed", "--json", timeout=timeout)
    return r, time.monotonic() - t0


@pytest.mark.parametrize("status,code", [(400, "ThrottlingException"), (503, "ServiceUnavailable"),
                                         (429, "TooManyRequestsException")])
def test_throttling_and_5xx_are_retried_with_backoff_then_the_seed_succeeds(proxied, status, code):
    """What the user sees: nothing but a normal, slightly slower seed (exit 0, everything
    created): each request's first two answers are an error, its third goes through."""
    e = proxied
    e.proxy.arm(Fault(status, code, "Rate exceeded (drill)", first=2))
    r, took = seed(e)
    attempts = e.proxy.attempts()
    e.proxy.disarm()
    assert r.code == 0, r
    doc = json.loads(r.out)
    assert all(s["failed"] == 0 for s in doc["services"]), doc
    assert emulator_state(e) == (sorted(QUEUES), PARAMS)
    # Every distinct request: two faults, then forwarded; the gaps are the backoff.
    gaps1, gaps2 = [], []
    for key, seen in attempts.items():
        answers = [s.answered for s in seen]
        assert answers == [status, status, "forwarded"], (seen[0].op, answers)
        gaps1.append(seen[1].t - seen[0].t)
        gaps2.append(seen[2].t - seen[1].t)
    for gaps, (lo, hi) in ((gaps1, BACKOFF[0]), (gaps2, BACKOFF[1])):
        assert min(gaps) >= lo - 0.005, (lo, sorted(gaps))
        assert max(gaps) <= hi + SLACK, (hi, sorted(gaps))
    # Jitter: the waits are spread over their range, not one fixed delay.
    spread = max(gaps2) - min(gaps2)
    assert len(gaps2) >= 8 and spread >= 0.010, sorted(gaps2)
    print(f"{status} {code}: {len(attempts)} requests x 3 attempts = {sum(len(v) for v in attempts.values())}; "
          f"seed {took:.2f} s; first backoff {min(gaps1)*1000:.0f}-{max(gaps1)*1000:.0f} ms, "
          f"second {min(gaps2)*1000:.0f}-{max(gaps2)*1000:.0f} ms (median {statistics.median(gaps2)*1000:.0f})")
    assert took < 10, took


def test_persistent_5xx_ends_in_a_clear_failure_within_a_bound(proxied):
    """What the user sees: `devenv seed` ends within seconds with exit 5, the service and the
    emulator's own answer ("HTTP 500 InternalError: ...") on the failed lines; no request is
    tried more than 4 times. Once the emulator answers again, a second seed creates everything."""
    e = proxied
    e.proxy.arm(Fault(500, "InternalError", "We encountered an internal error (drill)"))
    r, took = seed(e)
    attempts = e.proxy.attempts()
    e.proxy.disarm()
    assert r.code == 5, r
    doc = json.loads(r.out)
    failed = [x for x in doc["resources"] if x["outcome"] == "failed"]
    assert failed and all(x["service"] == "aws" for x in failed), doc
    assert any("500" in x["detail"] and "InternalError" in x["detail"] for x in failed), failed
    counts = sorted({len(v) for v in attempts.values()})
    assert counts == [MAX_ATTEMPTS], {s[0].op: len(s) for s in attempts.values()}
    assert took < 15, took
    print(f"persistent 500: exit {r.code} in {took:.2f} s, {len(attempts)} requests x {MAX_ATTEMPTS} attempts, "
          f"{len(failed)} failed lines: {failed[0]['detail'][:120]}")
    r, _ = seed(e)
    assert r.code == 0, r
    assert emulator_state(e) == (sorted(QUEUES), PARAMS)


def test_4xx_is_not_retried(proxied):
    """What the user sees: exit 5 at once with the emulator's own refusal
    ("HTTP 400 AccessDeniedException: ..."); every request was sent exactly once."""
    e = proxied
    e.proxy.arm(Fault(400, "AccessDeniedException", "User is not authorized (drill)"))
    r, took = seed(e)
    attempts = e.proxy.attempts()
    e.proxy.disarm()
    assert r.code == 5, r
    doc = json.loads(r.out)
    failed = [x for x in doc["resources"] if x["outcome"] == "failed"]
    assert failed and any("AccessDeniedException" in x["detail"] for x in failed), doc
    assert {len(v) for v in attempts.values()} == {1}, {s[0].op: len(s) for s in attempts.values()}
    assert took < 10, took
    print(f"400 AccessDenied: exit {r.code} in {took:.2f} s, {len(attempts)} requests, each sent once")
    r, _ = seed(e)
    assert r.code == 0, r
    assert emulator_state(e) == (sorted(QUEUES), PARAMS)

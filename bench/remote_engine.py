"""`devenv status` and `devenv up` on engines that are not this machine's socket.

One run: a second Docker engine in a network namespace (tests/e2e/test_remote_engine.py's
fixture: 10.211.0.2, images loaded from the shared engine), the `aws` profile on moto and
PostgreSQL started once on the shared engine (unix socket) and once on the namespace's engine,
then, interleaved:

- `devenv status` over the unix socket, over tcp://10.211.0.2:2375 and over ssh://root@10.211.0.2
  (sshd in the namespace, a throwaway key), whole processes;
- what a user runs today for the same question on the same engine: `docker compose ps --format json`;
- `devenv up aws` on the namespace's engine from fresh volumes (start to seeded), and
  `devenv up` when already up, over tcp:// and ssh://.

    /usr/bin/python3 bench/remote_engine.py [--runs 15] [--up-runs 3] [--out bench/results/remote-engine.md]

Needs root (a network namespace, a second dockerd), the stand-in images, sshd (openssh-server)."""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from conftest import AWS_ARGS  # noqa: E402
from test_remote_engine import NS_ADDR, TCP, NetnsEngine  # noqa: E402

from common import pick_offset  # noqa: E402


def timed(argv, env, cwd):
    t0 = time.monotonic()
    p = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    secs = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({p.returncode}): {p.stderr[-2000:]}")
    return secs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--up-runs", type=int, default=3)
    ap.add_argument("--devenv", default=str(ROOT / "build" / "devenv"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "remote-engine.md"))
    a = ap.parse_args()
    devenv = os.path.abspath(a.devenv)

    base = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT", "DEVENV_HOST", "CI")}
    base.update({"NO_COLOR": "1", "AWS_EMULATOR": "moto"})
    tmp = Path(tempfile.mkdtemp(prefix="dvbench-rt-"))
    eng = NetnsEngine()
    t0 = time.monotonic()
    eng.setup()
    setup_secs = time.monotonic() - t0
    bin_dir = eng.start_sshd(tmp)
    engines = {
        "unix socket (this machine)": {},
        "tcp://10.211.0.2:2375": {"DOCKER_HOST": TCP},
        "ssh://root@10.211.0.2": {"DOCKER_HOST": f"ssh://root@{NS_ADDR}", "PATH": f"{bin_dir}:{os.environ['PATH']}"},
    }
    local_dir = tmp / "local"
    remote_dir = tmp / "remote"
    local_dir.mkdir()
    remote_dir.mkdir()
    local_name, remote_name = f"bench-rt-{uuid.uuid4().hex[:6]}", f"bench-rt-{uuid.uuid4().hex[:6]}"
    offset = pick_offset([4566, 5432])
    dirs = {"unix socket (this machine)": local_dir}
    status = {k: [] for k in engines}
    compose_ps = {k: [] for k in engines}
    up_fresh = {k: [] for k in list(engines)[1:]}
    up_again = {k: [] for k in list(engines)[1:]}
    try:
        timed([devenv, "up", "aws", *AWS_ARGS, "--project-name", local_name, "--port-offset", str(offset)],
              base, local_dir)
        for i in range(a.up_runs):
            for label in list(engines)[1:]:
                env = {**base, **engines[label]}
                up_fresh[label].append(timed([devenv, "up", "aws", *AWS_ARGS, "--project-name", remote_name], env, remote_dir))
                up_again[label].append(timed([devenv, "up", "aws", *AWS_ARGS, "--project-name", remote_name], env, remote_dir))
                if i < a.up_runs - 1 or label != list(engines)[-1]:
                    timed([devenv, "down", "--volumes"], env, remote_dir)
        for label in list(engines)[1:]:
            dirs[label] = remote_dir
        compose_file = {label: str(d / ".devenv" / "compose.yaml") for label, d in dirs.items()}
        for _ in range(a.runs):
            for label, extra in engines.items():
                env = {**base, **extra}
                status[label].append(timed([devenv, "status"], env, dirs[label]))
                name = local_name if label.startswith("unix") else remote_name
                compose_ps[label].append(timed(["docker", "compose", "-p", name, "-f", compose_file[label], "ps", "--format",
                                                "json"], env, dirs[label]))
    finally:
        for label, d in (("unix socket (this machine)", local_dir), ("tcp://10.211.0.2:2375", remote_dir)):
            subprocess.run([devenv, "down", "--volumes"], env={**base, **engines[label]}, cwd=d, capture_output=True)
        eng.teardown()

    ms = lambda xs: f"{statistics.median(xs) * 1000:.0f} ms"  # noqa: E731
    s = lambda xs: f"{statistics.median(xs):.1f} s"  # noqa: E731
    load = os.getloadavg()
    lines = [
        "# devenv on remote engines",
        "",
        f"`bench/remote_engine.py`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; the `aws` profile on moto and",
        f"PostgreSQL stand-ins; medians of {a.runs} interleaved runs (status) and {a.up_runs} (up); load average",
        f"{load[0]:.1f} at the end (2 shared cores). The namespace's engine took {eng.start_secs:.1f} s to start and",
        f"{eng.load_secs:.1f} s to load the two images ({setup_secs:.1f} s in all).",
        "",
        "| engine | `devenv status` | `docker compose ps --format json` | ratio |",
        "| --- | --- | --- | --- |",
    ]
    for label in engines:
        ratio = statistics.median(compose_ps[label]) / statistics.median(status[label])
        lines.append(f"| {label} | {ms(status[label])} | {ms(compose_ps[label])} | {ratio:.1f}x |")
    lines += ["", "| engine | `devenv up aws`, fresh volumes, to seeded | `devenv up` already up |", "| --- | --- | --- |"]
    for label in up_fresh:
        lines.append(f"| {label} | {s(up_fresh[label])} | {ms(up_again[label])} |")
    lines += ["", "Raw (seconds):", ""]
    for label in engines:
        lines.append(f"- status {label}: {', '.join(f'{x:.3f}' for x in status[label])}")
        lines.append(f"- compose ps {label}: {', '.join(f'{x:.3f}' for x in compose_ps[label])}")
    for label in up_fresh:
        lines.append(f"- up fresh {label}: {', '.join(f'{x:.1f}' for x in up_fresh[label])}")
        lines.append(f"- up again {label}: {', '.join(f'{x:.3f}' for x in up_again[label])}")
    Path(a.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

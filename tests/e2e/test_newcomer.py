"""What a new user meets on day one (issue 11), on the real engine and the stand-in images:
`up` again with no argument reuses what the first `up` recorded and says which variable changed;
commands in a folder where nothing was started say so; a service that does not answer shows for
how long and why; `--help` shows the global options a command reads and a typo gets "did you
mean"; the `--endpoint-url` form `up` prints works with the AWS CLI."""
import json
import os
import re

import pytest

from conftest import run
from test_lifecycle import sh


def test_up_again_with_no_argument_reuses_the_record_and_names_the_changed_variable(make_env):
    if "AWS_EMULATOR" in os.environ:
        pytest.fail("AWS_EMULATOR is set in the test's environment: this test needs it unset")
    e = make_env("aws")
    first = e.up("aws", "--timeout", "180")
    assert first.code == 0, first

    # The closing line's --endpoint-url form, run with the AWS CLI and the exported credentials.
    m = re.search(r"aws --endpoint-url (http://\S+) sts get-caller-identity", first.out)
    assert m, first.out
    assert m.group(1) == f"http://localhost:{e.ports['aws']}", m.group(1)
    exported = json.loads(e.devenv("env", "--format", "json").out)["variables"]
    ident = sh(["aws", "--endpoint-url", m.group(1), "--output", "json", "sts", "get-caller-identity"],
               env={k: exported[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")},
               timeout=120)
    assert ident.returncode == 0, ident.stderr
    assert json.loads(ident.stdout)["Account"], ident.stdout

    # A new shell without AWS_EMULATOR: `devenv up` alone brings back the same environment.
    again = run(["up", "--no-seed", "--timeout", "180"], cwd=e.dir)
    assert again.code == 0, again
    assert "is already up" in again.out, again
    assert "starting again what the last `up` here recorded" in again.err, again
    assert f"--port-offset {e.offset}" in again.err and f"project {e.name}" in again.err, again.err
    assert ("AWS_EMULATOR was 'moto' at the recorded `up` and is unset now: using the recorded 'moto'; "
            "`devenv up --current-env` takes this shell's") in again.err, again.err
    # Nothing was recreated.
    assert {s: c["State"]["Status"] for s, c in e.containers().items()} == {"aws": "running", "postgres": "running"}

    # A profile given where a service goes.
    st = run(["status", "web"], cwd=e.dir)
    assert st.code == 2, st
    assert "did you mean -p web?" in st.err, st.err


def test_commands_in_a_folder_where_nothing_was_started(tmp_path):
    for argv in (["status"], ["logs"], ["reset"], ["down"], ["env"]):
        r = run(argv, cwd=tmp_path)
        assert r.code == 2, (argv, r)
        assert "nothing was started here" in r.err, (argv, r.err)
        assert "no profile named" not in r.err, (argv, r.err)
        assert "`devenv up PROFILE` (built-in: aws, events, web" in r.err, (argv, r.err)
    r = run(["status", "web"], cwd=tmp_path)
    assert r.code == 2, r
    assert "'web' is a profile, not a service: name it with -p web" in r.err, r.err


def test_help_shows_the_global_options_a_command_reads_and_typos_get_did_you_mean():
    up = run(["up", "--help"], cwd="/")
    assert up.code == 0, up
    for option in ("--overlay", "--set", "--port-offset", "--project-name", "--timeout", "--current-env"):
        assert option in up.out, (option, up.out)
    templates = run(["templates", "--help"], cwd="/")
    assert "--port-offset" not in templates.out and "--json" in templates.out, templates.out

    r = run(["up", "aws", "--overlya", "cognito"], cwd="/")
    assert r.code == 2, r
    assert "`devenv up` has no option --overlya" in r.err and "did you mean --overlay?" in r.err, r.err
    r = run(["status", "--jsno"], cwd="/")
    assert r.code == 2 and "did you mean --json?" in r.err, r
    r = run(["stauts"], cwd="/")
    assert r.code == 2 and "did you mean `devenv status`?" in r.err, r


STUCK = """\
name: stuck
services:
  web:
    image: devenv-standin/postgres:17
    entrypoint: [sleep, infinity]
    ports: ["8080:8080"]
    probe: {kind: http, port: 8080, path: /health}
"""


def test_a_service_that_does_not_answer_shows_how_long_and_why(make_env):
    e = make_env(None, ports={"web": 8080})
    (e.dir / "devenv.yaml").write_text(STUCK)
    r = e.up(None, "--timeout", "7s", timeout=120)
    assert r.code == 4, r
    lines = [l for l in r.err.splitlines() if "still probing after" in l]
    assert lines, r.err
    assert re.search(r"web +still probing after [34] s \(\d+ attempts\): \S", lines[0]), lines
    assert len(lines) <= 2, lines   # plain lines are throttled (one about every 10 s)

    j = e.devenv(*e.up_args(None, "--timeout", "5s", "--json"), timeout=120)
    assert j.code == 4, j
    events = [json.loads(l) for l in j.out.splitlines() if l.startswith("{")]
    still = [ev for ev in events if ev["event"] == "still_probing"]
    assert still, events
    assert still[0]["service"] == "web" and still[0]["probing_s"] >= 3 and still[0]["attempts"] > 1, still
    assert still[0]["detail"], still

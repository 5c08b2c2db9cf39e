"""What a person sees at a terminal: `up` draws one live line per service with cursor movement
and colour on a (pseudo-)terminal; NO_COLOR drops the colour; with CI set, or when piped, plain
timestamped lines and no escape codes at all. Runs devenv under util-linux `script` for a pty."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import DEVENV

ESC = "\x1b["
CURSOR_UP = re.compile(r"\x1b\[\d+A")
COLOUR = re.compile(r"\x1b\[(1|2|3[1-3])m")


def under_pty(e, args, extra_env):
    if not shutil.which("script"):
        pytest.fail("util-linux `script` is needed to run devenv on a pseudo-terminal")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    env.update({"TERM": "xterm-256color", **e.env, **extra_env})
    cmd = " ".join(["exec", DEVENV, *[f"'{a}'" for a in args]])
    p = subprocess.run(["script", "-qec", cmd, "/dev/null"], cwd=e.dir, env=env, capture_output=True,
                       text=True, timeout=300)
    return p.returncode, p.stdout


def up_args(e):
    return ["up", "aws", *e.base_args, "--project-name", e.name, "--port-offset", str(e.offset), "--no-seed"]


def test_live_lines_and_colour_on_a_terminal(make_env):
    e = make_env("aws")
    code, out = under_pty(e, up_args(e), {})
    assert code == 0, out
    assert CURSOR_UP.search(out), out          # the block of service lines is redrawn in place
    assert COLOUR.search(out), out             # ready in green, names in bold
    assert re.search(r"aws\s+.*ready in \d+\.\d s", out), out
    assert not re.search(r"^\d\d:\d\d:\d\d ", out, re.M), out   # no CI-style timestamps

    code, out = under_pty(e, ["status"], {})
    assert code == 0 and COLOUR.search(out), out


def test_no_color_keeps_live_lines_without_colour(make_env):
    e = make_env("aws")
    code, out = under_pty(e, up_args(e), {"NO_COLOR": "1"})
    assert code == 0, out
    assert CURSOR_UP.search(out), out
    assert not COLOUR.search(out), out


def test_ci_or_a_pipe_gets_plain_timestamped_lines(make_env):
    e = make_env("aws")
    code, out = under_pty(e, up_args(e), {"CI": "true"})
    assert code == 0, out
    assert ESC not in out, out
    assert re.search(r"^\d\d:\d\d:\d\d aws\s+ready in \d+\.\d s", out, re.M), out
    e.devenv("down")
    p = e.devenv(*up_args(e)[0:1], *up_args(e)[1:])   # piped (conftest's run), no terminal at all
    assert p.code == 0, p
    assert ESC not in p.out + p.err, p
    assert re.search(r"^\d\d:\d\d:\d\d postgres\s+ready in", p.err, re.M), p

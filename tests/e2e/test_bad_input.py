"""Bad input: each case under tests/data/bad/NAME/ is a project folder (devenv.yaml and
whatever else it needs), an optional `args` file (one argument a line; default `render`),
and `expected.txt`, the full error devenv must print. Every case must exit 2, print exactly
that message (file:line:col, key path, source line, caret, hint) and write nothing."""
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run

CASES = sorted(p for p in (ROOT / "tests" / "data" / "bad").iterdir() if p.is_dir())


def test_corpus_is_large_enough():
    assert len(CASES) >= 30, f"only {len(CASES)} bad-input cases"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_bad_input(tmp_path, case):
    proj = tmp_path / case.name
    shutil.copytree(case, proj, ignore=shutil.ignore_patterns("expected.txt", "args"))
    before = sorted(p.relative_to(proj) for p in proj.rglob("*"))
    args_file = case / "args"
    args = args_file.read_text().split("\n") if args_file.exists() else ["render"]
    args = [a for a in args if a] + ["-o", "out.yaml"] if args[:1] == ["render"] else [a for a in args if a]
    r = run(args, cwd=proj)
    if os.environ.get("DEVENV_UPDATE_GOLDEN") == "1":
        (case / "expected.txt").write_text(r.err)
    expected = (case / "expected.txt").read_text()
    assert r.code == 2, r
    assert r.err == expected
    assert r.out == ""
    after = sorted(p.relative_to(proj) for p in proj.rglob("*"))
    assert after == before, "devenv wrote files on error"

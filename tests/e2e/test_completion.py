"""Shell completion: the committed scripts in completions/ are what `devenv completion` prints
today, and they really complete in real bash, zsh and fish (commands, options, option values,
profile names, the current project's service and overlay names)."""
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DEVENV, ROOT, run

FILES = {"bash": "devenv.bash", "zsh": "_devenv", "fish": "devenv.fish"}

PROJECT = """\
name: shop
services:
  db: {template: postgres}
  cache: {template: redis}
  api:
    image: ghcr.io/acme/api:dev
    ports: ["8080:8080"]
overlays:
  dev:
    services:
      api: {environment: {DEBUG: "1"}}
  ci:
    services:
      api: {environment: {CI: "1"}}
"""


@pytest.mark.parametrize("shell", sorted(FILES))
def test_committed_completions_are_current(shell):
    r = run(["completion", shell], cwd="/")
    assert r.code == 0, r
    committed = (ROOT / "completions" / FILES[shell]).read_text()
    assert r.out == committed, (
        f"completions/{FILES[shell]} is stale: regenerate it with "
        f"`devenv completion {shell} -o completions/{FILES[shell]}`")


def test_completion_rejects_unknown_shell():
    r = run(["completion", "tcsh"], cwd="/")
    assert r.code == 2, r


def test_hidden_helpers_not_in_help():
    r = run(["--help"], cwd="/")
    assert r.code == 0, r
    assert "__complete" not in r.out and "__man" not in r.out
    assert "completion" in r.out and "doctor" in r.out and "init" in r.out


@pytest.fixture
def shop(tmp_path):
    d = tmp_path / "shop"
    d.mkdir()
    (d / "devenv.yaml").write_text(PROJECT)
    return d


def bash_complete(words, cwd, script=None):
    """Runs the bash completion function the way readline does: COMP_WORDS/COMP_CWORD set,
    _devenv called, COMPREPLY printed one per line."""
    script = script or ROOT / "completions" / "devenv.bash"
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in [DEVENV, *words])
    prog = (f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD={len(words)}; "
            "_devenv; printf '%s\\n' \"${COMPREPLY[@]}\"")
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog], cwd=cwd, capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 0, p.stderr
    assert p.stderr == "", p.stderr
    return sorted(x for x in p.stdout.split("\n") if x)


def test_bash_registers_the_function(shop):
    p = subprocess.run(["bash", "--norc", "-c", f"source '{ROOT}/completions/devenv.bash'; complete -p devenv"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "complete -F _devenv devenv" in p.stdout


def test_bash_commands(shop):
    got = bash_complete([""], shop)
    for c in ["up", "down", "status", "wait", "logs", "env", "render", "config", "profiles", "templates",
              "init", "doctor", "completion", "version", "pull"]:
        assert c in got
    assert not any(c.startswith("__") for c in got)
    assert bash_complete(["pro"], shop) == ["profiles"]
    assert bash_complete(["d"], shop) == ["doctor", "down"]


def test_bash_options(shop):
    got = bash_complete(["up", "--"], shop)
    assert "--build" in got and "--timeout" in got and "--json" in got and "--port-offset" in got
    assert "--pull" in got
    assert bash_complete(["init", "--f"], shop) == ["--file", "--force", "--from"]


def test_bash_option_values(shop):
    assert bash_complete(["env", "--format", ""], shop) == ["dotenv", "github", "json", "shell"]
    assert bash_complete(["completion", ""], shop) == ["bash", "fish", "zsh"]
    assert bash_complete(["up", "--overlay", ""], shop) == ["ci", "dev"]
    assert bash_complete(["init", "--from", "w"], shop) == ["web"]


def test_bash_profiles_and_services(shop):
    assert {"aws", "web", "events", "shop"} <= set(bash_complete(["up", ""], shop))
    assert bash_complete(["status", ""], shop) == ["api", "cache", "db"]
    assert bash_complete(["logs", "-f", "c"], shop) == ["cache"]   # logs' -f is --follow, a flag
    assert bash_complete(["templates", "post"], shop) == ["postgres"]


def test_bash_skips_global_option_values(shop, tmp_path):
    # -C DIR and --timeout 2m are not the command; the command after them is.
    assert bash_complete(["-C", str(shop), "--timeout", "2m", "sta"], tmp_path) == ["status"]
    assert bash_complete(["--project-name", "x", "logs", ""], shop) == ["api", "cache", "db"]


def test_bash_directory_values(shop):
    (shop / "sub").mkdir()
    assert bash_complete(["-C", "su"], shop) == ["sub"]


def test_bash_outside_a_project_prints_no_errors(tmp_path):
    assert bash_complete(["status", ""], tmp_path) == []
    assert "aws" in bash_complete(["up", ""], tmp_path)


def need(shell):
    path = shutil.which(shell)
    if not path:
        pytest.fail(f"{shell} is not installed (scripts/install-deps.sh installs it)")
    return path


def zsh_complete(words, cwd):
    """zsh: the completion function with compadd/_describe replaced by printers, so the logic
    runs in a real zsh without a terminal."""
    need("zsh")
    quoted = " ".join("'" + w + "'" for w in [DEVENV, *words])
    prog = f"""
emulate -L zsh
compdef() {{ : }}
compadd() {{ while [[ $# -gt 0 && $1 != -- ]]; do shift; done; shift; print -l -- "$@" }}
_describe() {{ for x in ${{(P)4}}; do print -- ${{x%%:*}}; done }}
_files() {{ print -- FILES }}
_directories() {{ print -- DIRS }}
source '{ROOT}/completions/_devenv'
words=({quoted}); CURRENT={len(words) + 1}
_devenv
"""
    p = subprocess.run(["zsh", "-f", "-c", prog], cwd=cwd, capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    cur = words[-1]
    return sorted(x for x in p.stdout.split("\n") if x and x.startswith(cur.replace("\\", "")))


def test_zsh_syntax():
    need("zsh")
    p = subprocess.run(["zsh", "-n", str(ROOT / "completions" / "_devenv")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_zsh_completes(shop):
    assert "doctor" in zsh_complete([""], shop)
    assert zsh_complete(["pro"], shop) == ["profiles"]
    assert zsh_complete(["status", ""], shop) == ["api", "cache", "db"]
    assert zsh_complete(["env", "--format", ""], shop) == ["dotenv", "github", "json", "shell"]
    assert "--build" in zsh_complete(["up", "--"], shop)
    assert zsh_complete(["-f", "x.yaml", "re"], shop) == ["render", "reset"]
    assert zsh_complete(["render", "-o", ""], shop) == ["FILES"]


def fish_complete(line, cwd):
    need("fish")
    prog = f"source '{ROOT}/completions/devenv.fish'; complete -C '{line}'"
    p = subprocess.run(["fish", "--no-config", "-c", prog], cwd=cwd, capture_output=True, text=True, timeout=30,
                       env={"PATH": f"{Path(DEVENV).parent}:/usr/bin:/bin", "HOME": str(cwd)})
    assert p.returncode == 0, p.stderr
    return sorted({x.split("\t")[0] for x in p.stdout.split("\n") if x})


def test_fish_syntax():
    need("fish")
    p = subprocess.run(["fish", "--no-config", "--no-execute", str(ROOT / "completions" / "devenv.fish")],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_fish_completes(shop):
    assert fish_complete("devenv pro", shop) == ["profiles"]
    assert "doctor" in fish_complete("devenv ", shop)
    assert fish_complete("devenv env --format ", shop) == ["dotenv", "github", "json", "shell"]
    assert fish_complete("devenv completion ", shop) == ["bash", "fish", "zsh"]
    assert "--build" in fish_complete("devenv up --", shop)
    assert fish_complete("devenv status ", shop) == ["api", "cache", "db"]

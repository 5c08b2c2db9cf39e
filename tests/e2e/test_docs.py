"""The documentation is checked against the program:
- docs/json.md: real JSON of status, doctor, config, env and the up/wait event lines has every
  field the tables list, with the listed type (status/up/wait on a real environment of the
  stand-in images);
- docs/commands.md: every command and option `--help` shows is documented, and the exit-code
  table is the one `devenv --help` prints;
- docs/profiles.md: every `yaml` example loads (`devenv config -f FILE`);
- the man page renders and covers every command."""
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, run

DOCS = ROOT / "docs"

# --------------------------------------------------------------------------- json.md


def json_tables():
    """{name: [(path, types, optional)]} from the tables after <!-- json: NAME --> markers."""
    text = (DOCS / "json.md").read_text()
    tables = {}
    for m in re.finditer(r"<!-- json: ([\w-]+) -->\n((?:\|.*\n)+)", text):
        rows = []
        for line in m.group(2).splitlines()[2:]:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            path = cells[0].strip("`")
            types = [t.strip() for t in cells[1].split(" or ")]
            rows.append((path, types, cells[2].startswith("*optional*")))
        tables[m.group(1)] = rows
    return tables


TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def values_at(doc, path):
    """Every value at `path` ("a.b", "a[].b", "a.*.b"); a missing key yields a KeyError marker."""
    current = [doc]
    for part in re.findall(r"[^.\[\]]+|\[\]", path):
        nxt = []
        for v in current:
            if part == "[]":
                nxt.extend(v if isinstance(v, list) else [])
            elif part == "*":
                nxt.extend(v.values() if isinstance(v, dict) else [])
            elif isinstance(v, dict):
                nxt.append(v[part] if part in v else KeyError(part))
            # None parents (a null container) have no children to check
        current = [x for x in nxt if not isinstance(x, KeyError) or True]
    return current


def check_against(doc, table_name, tables):
    rows = tables[table_name]
    assert rows, f"json.md has no table {table_name}"
    problems = []
    for path, types, optional in rows:
        for t in types:
            assert t in TYPES, f"json.md: {path}: unknown type {t}"
        vals = values_at(doc, path)
        present = [v for v in vals if not isinstance(v, KeyError)]
        missing = [v for v in vals if isinstance(v, KeyError)]
        if missing and not optional:
            problems.append(f"{path}: missing")
        if not present and not optional and not missing:
            problems.append(f"{path}: never present in this output (nothing exercised it)")
        for v in present:
            if not any(TYPES[t](v) for t in types):
                problems.append(f"{path}: {v!r} is not {' or '.join(types)}")
                break
    assert not problems, f"{table_name} output does not match docs/json.md:\n" + "\n".join(problems) + \
        "\n" + json.dumps(doc, indent=1)[:3000]


@pytest.fixture(scope="module")
def tables():
    t = json_tables()
    assert {"status", "doctor", "config", "env", "event-note", "event-service", "event-up"} <= set(t)
    return t


def test_json_doc_config(tables, tmp_path):
    r = run(["config", "aws", "--json"], cwd=tmp_path)
    assert r.code == 0, r
    check_against(json.loads(r.out), "config", tables)
    # the optional template fields too, on a profile with a plain service
    r = run(["config", "-f", str(ROOT / "examples" / "web-product" / "devenv.yaml"), "--json"], cwd=tmp_path)
    assert r.code == 0, r
    check_against(json.loads(r.out), "config", tables)


def test_json_doc_doctor(tables, tmp_path):
    r = run(["doctor", "aws", "--json", "--port-offset", "733"], cwd=tmp_path)
    doc = json.loads(r.out)
    check_against(doc, "doctor", tables)
    # a failing check has a fix string
    r = run(["doctor", "--json"], cwd=tmp_path, env={"DOCKER_HOST": f"unix://{tmp_path}/none.sock"})
    assert r.code == 3, r
    check_against(json.loads(r.out), "doctor", tables)


STANDIN = ["--set", "services.aws.image=devenv-standin/moto:5", "--set", "services.postgres.image=devenv-standin/postgres:17",
           "--project-name", "docs-test", "--port-offset", "700"]


@pytest.fixture(scope="module")
def running(tmp_path_factory, compose):
    """The aws profile on moto, up on the stand-in images, taken down (with volumes) at the end."""
    d = tmp_path_factory.mktemp("docs-env")
    env = {"AWS_EMULATOR": "moto"}
    up = run(["up", "aws", "--json", "--timeout", "180", *STANDIN], cwd=d, env=env, timeout=400)
    try:
        assert up.code == 0, up
        yield d, env, up
    finally:
        down = run(["down", "--volumes"], cwd=d, env=env, timeout=180)
        assert down.code == 0, down


def event_lines(out):
    lines = [json.loads(l) for l in out.splitlines() if l.strip()]
    assert lines, "no event lines"
    return lines


def check_events(lines, tables, command):
    kinds = {"note": "event-note", "waiting": "event-service", "probing": "event-service",
             "still_probing": "event-service", "ready": "event-service", "failed": "event-service", "up": "event-up", "seed": "seed"}
    seen = set()
    for ev in lines:
        assert ev.get("event") in kinds, f"event kind {ev.get('event')!r} is not documented in docs/json.md: {ev}"
        check_against(ev, kinds[ev["event"]], tables)
        if ev["event"] not in ("up", "seed"):
            assert ev["command"] == command
        if ev["event"] in ("ready", "failed", "still_probing"):
            assert "attempts" in ev, ev
        if ev["event"] == "still_probing":
            assert ev["probing_s"] >= 3 and ev["detail"], ev
        seen.add(ev["event"])
    return seen


def test_json_doc_up_events(tables, running):
    _, _, up = running
    seen = check_events(event_lines(up.out), tables, "up")
    assert {"ready", "up", "seed"} <= seen, seen
    assert [e["event"] for e in event_lines(up.out)][-2:] == ["up", "seed"]  # the aws profile has a seed


def test_json_doc_wait_events(tables, running):
    d, env, _ = running
    r = run(["wait", "--json", "--timeout", "60"], cwd=d, env=env)
    assert r.code == 0, r
    assert "ready" in check_events(event_lines(r.out), tables, "wait")


def test_json_doc_status(tables, running):
    d, env, _ = running
    r = run(["status", "--json"], cwd=d, env=env)
    assert r.code == 0, r
    doc = json.loads(r.out)
    check_against(doc, "status", tables)
    assert doc["ready"] is True and {s["name"] for s in doc["services"]} == {"aws", "postgres"}


def test_json_doc_env(tables, running):
    d, env, _ = running
    r = run(["env", "--format", "json"], cwd=d, env=env)
    assert r.code == 0, r
    doc = json.loads(r.out)
    check_against(doc, "env", tables)
    assert doc["variables"]["AWS_ENDPOINT_URL"].endswith(":5266")      # 4566 + 700
    assert run(["env", "--json"], cwd=d, env=env).out == r.out


def test_env_formats_are_usable(running):
    """shell output survives eval; dotenv and github print the same names."""
    d, env, _ = running
    shell = run(["env"], cwd=d, env=env)
    assert shell.code == 0, shell
    p = subprocess.run(["bash", "-c", 'eval "$(cat)"; printf "%s\\n" "$AWS_ENDPOINT_URL" "$DATABASE_URL"'],
                       input=shell.out, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    url, db = p.stdout.split("\n")[:2]
    assert url.endswith(":5266") and db.startswith("postgresql://") and ":6132/" in db   # 5432 + 700
    names = lambda out: [l.split("=", 1)[0].removeprefix("export ") for l in out.splitlines() if "=" in l]
    dotenv = run(["env", "--format", "dotenv"], cwd=d, env=env)
    assert names(dotenv.out) == names(shell.out)
    gh_file = d / "github_env"
    gh = run(["env", "--format", "github"], cwd=d, env={**env, "GITHUB_ENV": str(gh_file)})
    assert gh.code == 0, gh
    # Secret values are masked in the job's log (a workflow command on stdout), nothing else.
    masks = gh.out.splitlines()
    assert masks and all(m.startswith("::add-mask::") for m in masks), gh
    assert "::add-mask::acme-dev" in masks and any("postgresql://" in m for m in masks), gh
    assert not any("test" == m.removeprefix("::add-mask::") for m in masks), "a non-secret was masked"
    # Every entry is NAME<<DELIM ... DELIM with a random delimiter, read as GitHub reads the file.
    def github_entries(text):
        out, lines = {}, text.split("\n")
        i = 0
        while i < len(lines) and lines[i]:
            name, delim = lines[i].split("<<", 1)
            assert re.fullmatch(r"ghadelimiter_[0-9a-f]{32}", delim), lines[i]
            end = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1:end])
            i = end + 1
        return out, [l.split("<<", 1)[1] for l in lines if "<<" in l]
    entries, delims = github_entries(gh_file.read_text())
    assert list(entries) == names(shell.out)
    assert len(set(delims)) == len(delims), "delimiters repeat"
    # A value that tries to close its entry and add another variable stays one value.
    inj_dir = d / "inject"
    inj_dir.mkdir()
    (inj_dir / "devenv.yaml").write_text(
        'services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n'
        '    exports:\n      EVIL: "x\\nEOF\\nghadelimiter_x\\nINJECTED=1"\n')
    inj_file = inj_dir / "github_env"
    inj = run(["env", "--format", "github", "-p", "./devenv.yaml"], cwd=inj_dir, env={"GITHUB_ENV": str(inj_file)})
    assert inj.code == 0, inj
    got, _ = github_entries(inj_file.read_text())
    assert list(got) == ["EVIL"] and "INJECTED=1" in got["EVIL"], inj_file.read_text()
    only = run(["env", "postgres"], cwd=d, env=env)
    assert "DATABASE_URL" in only.out and "AWS_ENDPOINT_URL" not in only.out
    bad = run(["env", "postgress"], cwd=d, env=env)
    assert bad.code == 2 and "did you mean 'postgres'" in bad.err, bad


# --------------------------------------------------------------------------- commands.md


def help_text(args):
    r = run([*args, "--help"], cwd="/")
    assert r.code == 0, r
    return r.out


def commands_in_help():
    text = help_text([])
    section = text.split("Subcommands:")[-1] if "Subcommands:" in text else text.split("SUBCOMMANDS:")[-1]
    return [m.group(1) for m in re.finditer(r"^  (\w[\w-]*)\s", section.split("Exit codes:")[0], re.M)]


def options_in_help(text):
    opts = set()
    for line in text.splitlines():
        m = re.match(r"^\s+((?:-\w, )?--?[\w-]+)", line)
        if m:
            for o in m.group(1).split(", "):
                opts.add(o)
    return opts - {"-h", "--help"}


def test_commands_doc_covers_every_command_and_option():
    doc = (DOCS / "commands.md").read_text()
    cmds = commands_in_help()
    assert {"up", "down", "status", "env", "init", "doctor", "completion"} <= set(cmds), cmds
    missing = []
    for c in cmds:
        m = re.search(rf"^### `devenv {c}\b[^\n]*\n(.*?)(?=^##)", doc, re.M | re.S)
        if not m:
            missing.append(f"command {c}")
            continue
        section = m.group(1)
        own = options_in_help(help_text([c])) - options_in_help(help_text([]))
        for o in sorted(own):
            if f"`{o}" not in section and f", {o}" not in section:
                missing.append(f"{c} {o}")
    for o in sorted(options_in_help(help_text([]))):
        if f"`{o}" not in doc and f", {o}" not in doc:
            missing.append(f"global {o}")
    assert not missing, "docs/commands.md lacks: " + ", ".join(missing)


def test_exit_code_table_matches_help():
    doc = (DOCS / "commands.md").read_text()
    m = re.search(r"<!-- exit-codes -->\n((?:\|.*\n)+)", doc)
    assert m
    documented = []
    for line in m.group(1).splitlines()[2:]:
        code, meaning = [c.strip() for c in line.strip().strip("|").split("|")]
        documented.append((int(code), meaning))
    footer = help_text([]).split("Exit codes:")[1]
    in_help = [(int(a), b.strip()) for a, b in re.findall(r"^\s+(\d+)\s+(.+)$", footer, re.M)]
    assert documented == in_help


def test_man_page_renders_every_command(tmp_path):
    r = run(["__man", "-o", str(tmp_path / "devenv.1")], cwd="/")
    assert r.code == 0, r
    if not shutil.which("man"):
        pytest.fail("man is not installed")
    p = subprocess.run(["man", "-l", str(tmp_path / "devenv.1")], capture_output=True, text=True,
                       env={**os.environ, "MANWIDTH": "200", "MAN_KEEP_FORMATTING": ""})
    assert p.returncode == 0, p.stderr
    text = re.sub(r".\x08", "", p.stdout)
    for c in commands_in_help():
        assert f"devenv {c}" in text, c
    for code in ["130", "interrupted", "seeding or reset failed"]:
        assert code in text
    assert "--port-offset" in text and "--format" in text


# --------------------------------------------------------------------------- profiles.md


def profile_examples():
    text = (DOCS / "profiles.md").read_text()
    return re.findall(r"^```yaml\n(.*?)^```", text, re.M | re.S)


def test_profiles_doc_has_examples():
    assert len(profile_examples()) >= 15


def test_profiles_doc_has_a_section_and_an_example_for_every_seed_kind(tmp_path):
    """The kinds come from devenv's own table (`devenv templates --json`), not from a list here."""
    r = run(["templates", "--json"], cwd=tmp_path)
    assert r.code == 0, r
    kinds = [k["name"] for k in json.loads(r.out)["seed_kinds"]]
    assert "sns" in kinds and "dynamodb" in kinds and "exec" in kinds, kinds
    text = (DOCS / "profiles.md").read_text()
    examples = "\n".join(profile_examples())
    for kind in kinds:
        assert f"### `{kind}`" in text, f"docs/profiles.md has no section for seed kind {kind}"
        assert re.search(rf"^\s+{kind}:", examples, re.M), f"no docs/profiles.md example declares a {kind} seed"


@pytest.mark.parametrize("index", range(len(profile_examples())))
def test_profiles_doc_example_loads(tmp_path, index):
    text = profile_examples()[index]
    f = tmp_path / "devenv.yaml"
    f.write_text(text)
    # The files a load checks for (a postgres `copy` step's data) exist beside the example.
    for copy_file in re.findall(r"^\s+file: (\S+)\s+# the data", text, re.M):
        (tmp_path / copy_file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / copy_file).write_text("")
    r = run(["config", "-f", str(f)], cwd=tmp_path)
    assert r.code == 0, f"docs/profiles.md yaml example #{index + 1} does not load:\n{text}\n{r}"


def test_json_doc_seed_and_reset(tables, running):
    d, env, _ = running
    for command in (["seed"], ["reset"]):
        r = run([*command, "--json"], cwd=d, env=env, timeout=300)
        assert r.code == 0, r
        doc = json.loads(r.out)
        check_against(doc, "seed", tables)
        assert doc["command"] == command[0] and doc["ok"] is True

"""`devenv init` (a starter devenv.yaml that loads, .gitignore, --force) and `devenv doctor`
(real engine and Compose; a port really taken; an unreachable engine; LocalStack's token)."""
import json
import re
import socket

import pytest

from conftest import run


def uncomment_examples(text):
    """The starter's commented blocks (services, seed, exports) with their '# ' removed."""
    out, on = [], False
    for line in text.split("\n"):
        if re.match(r"^# (services|seed|exports):$", line):
            on = True
        elif not line.startswith("#"):
            on = False
        out.append(line[2:] if on and line.startswith("# ") else line)
    return "\n".join(out)


@pytest.mark.parametrize("base", ["aws", "web", "events"])
def test_init_writes_a_profile_that_loads(project, base):
    r = run(["init", "--from", base], cwd=project)
    assert r.code == 0, r
    text = (project / "devenv.yaml").read_text()
    assert f"extends: {base}" in text
    assert "# services:" in text and "# seed:" in text
    r = run(["config", "--json"], cwd=project)
    assert r.code == 0, r
    services = json.loads(r.out)["profile"]["services"]
    base_services = json.loads(run(["config", base, "--json"], cwd="/").out)["profile"]["services"]
    assert set(services) == set(base_services)
    # The commented examples are valid too once uncommented.
    (project / "devenv.yaml").write_text(uncomment_examples(text))
    r = run(["config", "--json"], cwd=project)
    assert r.code == 0, (r, uncomment_examples(text))
    assert "api" in json.loads(r.out)["profile"]["services"]


def test_init_gitignore_created_then_appended_once(project):
    assert run(["init"], cwd=project).code == 0
    assert (project / ".gitignore").read_text().count(".devenv/") == 1
    (project / ".gitignore").write_text("node_modules/")           # no newline at the end
    assert run(["init", "--force"], cwd=project).code == 0
    lines = (project / ".gitignore").read_text().split("\n")
    assert lines[0] == "node_modules/" and ".devenv/" in lines
    assert run(["init", "--force"], cwd=project).code == 0
    assert (project / ".gitignore").read_text().count(".devenv/") == 1


def test_init_refuses_to_overwrite(project):
    (project / "devenv.yaml").write_text("name: mine\nservices: {db: {template: redis}}\n")
    r = run(["init"], cwd=project)
    assert r.code == 2, r
    assert "already exists" in r.err and "--force" in r.err
    assert (project / "devenv.yaml").read_text().startswith("name: mine")
    r = run(["init", "--force", "--from", "web"], cwd=project)
    assert r.code == 0, r
    assert "extends: web" in (project / "devenv.yaml").read_text()


def test_init_unknown_profile(project):
    r = run(["init", "--from", "wbe"], cwd=project)
    assert r.code == 2, r
    assert "web" in r.err            # did you mean
    assert not (project / "devenv.yaml").exists()


def doctor(args, cwd, env=None):
    r = run(["doctor", "--json", *args], cwd=cwd, env=env, timeout=60)
    doc = json.loads(r.out)
    return r, {c["name"]: c for c in doc["checks"]}, doc


def test_doctor_on_this_machine(tmp_path):
    r, checks, doc = doctor([], tmp_path)
    assert r.code == 0, r
    assert doc["ok"] is True and doc["profile"] is None
    assert checks["engine"]["status"] == "ok" and "Docker engine" in checks["engine"]["summary"]
    assert checks["compose"]["status"] == "ok" and re.search(r"Compose 2\.", checks["compose"]["summary"])
    assert checks["profile"]["status"] == "skip"


def test_doctor_profile_checks(tmp_path):
    r, checks, doc = doctor(["aws", "--port-offset", "731",
                             "--set", "services.postgres.image=devenv-standin/postgres:17",
                             "--set", "services.aws.image=devenv-nosuch/image:1"], tmp_path)
    # The image to pull is on Docker Hub, which no machine of this project reaches: doctor says
    # so (it used to call "to pull on first up" fine), exit 1.
    assert r.code == 1, r
    assert checks["registries"]["status"] == "fail" and "docker.io" in checks["registries"]["summary"], checks
    assert "https://registry-1.docker.io/v2/" in checks["registries"]["summary"] and checks["registries"]["fix"], checks
    assert [c["name"] for c in doc["checks"] if c["status"] == "fail"] == ["registries"], doc
    assert doc["profile"] == "aws"
    assert checks["ports"]["status"] == "ok" and "2 published ports are free" in checks["ports"]["summary"]
    assert checks["disk"]["status"] == "ok" and "GiB free" in checks["disk"]["summary"]
    assert "to pull on first up: devenv-nosuch/image:1" in checks["images"]["summary"]
    assert "present: devenv-standin/postgres:17" in checks["images"]["summary"]
    assert checks["localstack_token"]["status"] == "ok"       # the pinned 4.14.0 needs none


def test_doctor_port_taken(tmp_path):
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        s.listen()
        port = s.getsockname()[1]
        offset = port - 5432                                       # the aws profile's postgres
        r, checks, doc = doctor(["aws", "--port-offset", str(offset)], tmp_path)
        assert r.code == 1, r
        assert checks["ports"]["status"] == "fail"
        assert f"{port} (postgres) is taken" in checks["ports"]["summary"]
        assert "--port-offset" in checks["ports"]["fix"]
        text = run(["doctor", "aws", "--port-offset", str(offset)], cwd=tmp_path)
        assert text.code == 1
        assert re.search(r"^FAIL\s+ports\s", text.out, re.M) and "fix: " in text.out


def test_doctor_engine_unreachable(tmp_path):
    r, checks, doc = doctor([], tmp_path, env={"DOCKER_HOST": f"unix://{tmp_path}/nothing.sock"})
    assert r.code == 3, r
    assert checks["engine"]["status"] == "fail" and checks["engine"]["fix"]


def test_doctor_localstack_token(tmp_path):
    args = ["aws", "--port-offset", "732", "--set", "services.aws.with.version=latest"]
    r, checks, _ = doctor(args, tmp_path, env={"LOCALSTACK_AUTH_TOKEN": ""})
    assert r.code == 1, r
    assert checks["localstack_token"]["status"] == "fail"
    assert "AWS_EMULATOR=moto" in checks["localstack_token"]["fix"]
    r, checks, _ = doctor(args, tmp_path, env={"LOCALSTACK_AUTH_TOKEN": "ls-test-token"})
    assert checks["localstack_token"]["status"] == "ok", r
    r, checks, _ = doctor(args, tmp_path, env={"AWS_EMULATOR": "moto"})
    assert "localstack_token" not in checks


def test_doctor_bad_profile(project):
    (project / "devenv.yaml").write_text("name: x\nservices: {db: {template: postgress}}\n")
    r, checks, _ = doctor([], project)
    assert r.code == 1, r
    assert checks["profile"]["status"] == "fail" and "postgres" in checks["profile"]["summary"]

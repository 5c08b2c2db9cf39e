"""One-shot services (jobs, docker/compose#10596) on the real engine: a migration job runs psql
(the PostgreSQL stand-in's client) against the postgres service before an app container starts
through `condition: service_completed_successfully`. Checked with psql from the host: the job ran
once, a second `up` does not run it again, `status` shows it completed, and a job that exits 3
fails `up` with exit 4, the exit code and its log's last lines, the app never started."""
import json

from test_lifecycle import psql

DB = dict(user="app", password="app-dev", db="app")

MIGRATION = ("CREATE TABLE IF NOT EXISTS migrations (id serial PRIMARY KEY, at timestamptz DEFAULT now()); "
             "INSERT INTO migrations DEFAULT VALUES;")

PROJECT = """\
name: jobs
services:
  postgres:
    template: postgres
    with: {{image: "devenv-standin/postgres:17", password: app-dev}}
  migrate:
    image: devenv-standin/postgres:17
    entrypoint: {migrate}
    environment: {{PGPASSWORD: app-dev}}
    depends_on:
      postgres: {{condition: service_healthy}}
  app:
    image: devenv-standin/postgres:17
    entrypoint: [sleep, infinity]
    depends_on:
      migrate: {{condition: service_completed_successfully}}
"""


def project(migrate_argv):
    return PROJECT.format(migrate=json.dumps(migrate_argv))


GOOD = ["psql", "-h", "postgres", "-U", "app", "-d", "app", "-v", "ON_ERROR_STOP=1", "-c", MIGRATION]
FAILING = ["sh", "-c", "echo 'migration 0042 failed: relation \"orders\" does not exist' >&2; exit 3"]


def test_a_migration_job_runs_once_before_the_app(make_env):
    e = make_env(None, ports={"postgres": 5432})
    (e.dir / "devenv.yaml").write_text(project(GOOD))
    r = e.up(None, "--timeout", "120")
    assert r.code == 0, r
    assert "migrate" in r.out and "completed in" in r.out, r
    pg = e.ports["postgres"]
    assert psql(pg, "select count(*) from migrations", **DB) == "1"
    c = e.containers()
    assert c["migrate"]["State"]["Status"] == "exited" and c["migrate"]["State"]["ExitCode"] == 0
    assert c["app"]["State"]["Status"] == "running"
    # The app started only after the job had finished.
    assert c["app"]["State"]["StartedAt"] > c["migrate"]["State"]["FinishedAt"], (c["app"]["State"], c["migrate"]["State"])

    st = e.devenv("status")
    assert st.code == 0, st
    line = next(l for l in st.out.splitlines() if l.strip().startswith("migrate"))
    assert "completed" in line, st.out
    sj = e.devenv("status", "--json")
    assert sj.code == 0, sj
    doc = {s["name"]: s for s in json.loads(sj.out)["services"]}
    assert doc["migrate"]["job"] is True and doc["migrate"]["completed"] is True and doc["migrate"]["ready"] is True
    assert doc["migrate"]["probe"]["kind"] == "job"
    assert doc["app"]["job"] is False and doc["app"]["completed"] is False

    # A second `up` with nothing changed: already up, the job is not run again (Compose's would).
    finished = c["migrate"]["State"]["FinishedAt"]
    r2 = e.up(None, "--timeout", "120")
    assert r2.code == 0, r2
    assert "already up" in r2.out, r2
    assert psql(pg, "select count(*) from migrations", **DB) == "1"
    assert e.containers()["migrate"]["State"]["FinishedAt"] == finished


def test_a_failing_job_fails_up_with_its_exit_code_and_log(make_env):
    e = make_env(None, ports={"postgres": 5432})
    (e.dir / "devenv.yaml").write_text(project(FAILING))
    r = e.up(None, "--timeout", "120")
    assert r.code == 4, r
    assert "a job did not complete: migrate" in r.err, r
    assert "the job exited with code 3" in r.err, r
    assert "migration 0042 failed" in r.err, r   # the log's last lines
    c = e.containers()
    assert c["migrate"]["State"]["ExitCode"] == 3
    assert "app" not in c or c["app"]["State"]["Status"] != "running", c.get("app", {}).get("State")
    # Compose failed, so no record was written: name the project.
    st = e.devenv("status", "--project-name", e.name)
    assert st.code == 4, st
    assert "exited (3)" in st.out, st.out


def test_a_job_nobody_waits_for_is_awaited_by_devenv(make_env):
    """`job: true` without dependants: Compose returns at once; devenv's own wait sees the exit."""
    e = make_env(None, ports={"postgres": 5432})
    text = project(FAILING).replace(
        "    depends_on:\n      migrate: {condition: service_completed_successfully}\n", "")
    text = text.replace("  migrate:\n", "  migrate:\n    job: true\n")
    (e.dir / "devenv.yaml").write_text(text)
    r = e.up(None, "--timeout", "120")
    assert r.code == 4, r
    assert "the job exited with code 3" in r.err and "migration 0042 failed" in r.err, r
    # The profile error for a job with a probe, at file:line:col.
    (e.dir / "devenv.yaml").write_text(text.replace("    job: true\n", "    job: true\n    probe: {kind: tcp, port: 1}\n"))
    bad = e.devenv("config")
    assert bad.code == 2, bad
    assert "devenv.yaml:" in bad.err and "is a job" in bad.err and "takes no probe" in bad.err, bad

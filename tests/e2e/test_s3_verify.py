"""The `web` profile's S3 on a server that checks SigV4 signatures: devenv-standin/minio:versitygw
(versitygw, an Apache-2.0 S3 gateway) in the minio service's place, with the PostgreSQL and
Redis stand-ins. moto accepts any signature; this server refuses a wrong one, so what devenv
signs (paths with spaces, '+', '%' and unicode, a 20 MB object streamed from a seed folder,
versioning, batch deletes) is really checked. Every check goes through the `aws` CLI with the
credentials `devenv env` exports."""
import hashlib
import json
import os
import subprocess
import time
import uuid

import pytest

from conftest import Env, docker

MINIO_IMAGE = "devenv-standin/minio:versitygw"
IMAGES = ["devenv-standin/postgres:17", "devenv-standin/redis:8", MINIO_IMAGE]
ARGS = ["--set", "services.postgres.image=devenv-standin/postgres:17",
        "--set", "services.redis.image=devenv-standin/redis:8",
        "--set", f"services.minio.image={MINIO_IMAGE}"]
PORTS = {"postgres": 5432, "redis": 6379, "minio": 9000, "minio-console": 9001}

# Keys S3 clients get wrong most often: spaces, '+' (a space in form encoding), '%', unicode,
# characters that are reserved in URLs, nested folders.
ODD_KEYS = {
    "with space.txt": b"a space\n",
    "plus+sign.txt": b"a plus\n",
    "100%.txt": b"a percent\n",
    "caf\u00e9/\u30d5\u30a1\u30a4\u30eb.txt": "unicode \u2713\n".encode(),
    "a b/c+d%20e=f&g.txt": b"all of them\n",
    "tilde~(paren)'quote'!.txt": b"reserved\n",
}
BIG_KEY = "big/20mb.bin"
BIG_SIZE = 20 * 1024 * 1024

PROJECT = """\
name: s3verify
extends: web
seed:
  minio:
    s3:
      buckets:
        - name: media
          objects_from: media
          objects:
            "inline with space+plus%.txt": inline bytes
            "inline/\u00fcml\u00e4ut.json": '{"ok": true}'
"""


@pytest.fixture(scope="module")
def images(engine):
    missing = [i for i in IMAGES if docker("image", "inspect", i).returncode != 0]
    if missing:
        pytest.fail(f"stand-in images missing: {', '.join(missing)}: run scripts/build-standin-images.sh")


@pytest.fixture
def s3env(images, tmp_path):
    """make(extra_args=()) -> an Env of the web profile on the SigV4-checking stand-in, in a
    project folder holding PROJECT and its media/ folder; removed at the end, even on failure."""
    made = []

    def make(extra_args=(), project=PROJECT):
        folder = tmp_path / f"proj{len(made)}"
        folder.mkdir()
        (folder / "devenv.yaml").write_text(project)
        media = folder / "media"
        for key, data in ODD_KEYS.items():
            (media / key).parent.mkdir(parents=True, exist_ok=True)
            (media / key).write_bytes(data)
        (media / BIG_KEY).parent.mkdir(parents=True, exist_ok=True)
        with open(media / BIG_KEY, "wb") as f:
            for _ in range(BIG_SIZE // (1024 * 1024)):
                f.write(os.urandom(1024 * 1024))
        e = Env(folder, [*ARGS, *extra_args], {}, PORTS)
        e.name = f"s3verify-{uuid.uuid4().hex[:8]}"
        made.append(e)
        return e

    yield make
    for e in made:
        e.remove()


def up(e, *extra, timeout=400):
    return e.devenv("up", *e.base_args, "--project-name", e.name, "--port-offset", str(e.offset), *extra,
                    timeout=timeout)


def exported(e):
    r = e.devenv("env", "--format", "json")
    assert r.code == 0, r
    return json.loads(r.out)["variables"]


class Aws:
    """The aws CLI with only what `devenv env` exports (and S3_REGION as its region)."""

    def __init__(self, e, tmp_path):
        v = exported(e)
        config = tmp_path / f"aws-config-{e.name}"
        # awscli 1.x presigns S3 URLs with SigV2 unless told otherwise; the server takes SigV4 only.
        config.write_text("[default]\ns3 =\n    signature_version = s3v4\n")
        self.env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "AWS_CONFIG_FILE": str(config),
                    "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_PAGER": "",
                    "AWS_ACCESS_KEY_ID": v["AWS_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY": v["AWS_SECRET_ACCESS_KEY"],
                    "AWS_DEFAULT_REGION": v["S3_REGION"], "NO_PROXY": "*",
                    # No --endpoint-url: the CLI (botocore >= 1.31) finds the server by this export.
                    "AWS_ENDPOINT_URL_S3": v["AWS_ENDPOINT_URL_S3"]}
        assert v["AWS_ENDPOINT_URL_S3"] == v["S3_ENDPOINT"] == f"http://localhost:{e.ports['minio']}", v

    def run(self, *args, check=True, env=None, binary=False):
        p = subprocess.run(["aws", *args], capture_output=True, env={**self.env, **(env or {})}, timeout=120,
                           text=not binary)
        if check:
            assert p.returncode == 0, p.stderr
        return p

    def json(self, *args):
        return json.loads(self.run(*args, "--output", "json").stdout or "{}")

    def buckets(self):
        return sorted(b["Name"] for b in self.json("s3api", "list-buckets")["Buckets"])

    def keys(self, bucket):
        doc = self.json("s3api", "list-objects-v2", "--bucket", bucket)
        return {o["Key"]: o for o in doc.get("Contents", [])}

    def get(self, bucket, key):
        return self.run("s3", "cp", f"s3://{bucket}/{key}", "-", binary=True).stdout


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def outcomes(doc):
    return {(x["kind"], x["resource"]): x["outcome"] for x in doc["resources"]}


def test_web_profile_seeds_reseeds_and_resets_on_a_signature_checking_server(s3env, tmp_path):
    e = s3env()
    t0 = time.monotonic()
    r = up(e)
    assert r.code == 0, r
    print(f"up + seed of web on versitygw: {time.monotonic() - t0:.1f} s")
    cli = Aws(e, tmp_path)

    # A wrong secret is refused: the server really checks signatures.
    bad = cli.run("s3api", "list-buckets", check=False, env={"AWS_SECRET_ACCESS_KEY": "not-the-secret"})
    assert bad.returncode != 0 and "SignatureDoesNotMatch" in bad.stderr, bad

    assert cli.buckets() == ["avatars", "exports", "media", "uploads"]
    assert cli.get("uploads", "README.txt") == b"User uploads land here."
    assert cli.json("s3api", "get-bucket-versioning", "--bucket", "exports").get("Status") == "Enabled"
    assert cli.json("s3api", "get-bucket-versioning", "--bucket", "uploads").get("Status") is None

    media = cli.keys("media")
    want = {**{k: v for k, v in ODD_KEYS.items()}, "inline with space+plus%.txt": b"inline bytes",
            "inline/\u00fcml\u00e4ut.json": b'{"ok": true}'}
    assert set(media) == {*want, BIG_KEY}, sorted(media)
    for key, data in want.items():
        assert cli.get("media", key) == data, key
        # A single PUT: the ETag is the MD5 of the bytes, which is what reseeding compares.
        assert media[key]["ETag"].strip('"') == hashlib.md5(data).hexdigest(), key
    big = e.dir / "media" / BIG_KEY
    assert media[BIG_KEY]["Size"] == BIG_SIZE
    fetched = tmp_path / "fetched.bin"
    cli.run("s3", "cp", f"s3://media/{BIG_KEY}", str(fetched))
    assert sha256_file(fetched) == sha256_file(big)
    head = cli.json("s3api", "head-object", "--bucket", "media", "--key", "caf\u00e9/\u30d5\u30a1\u30a4\u30eb.txt")
    assert head["ContentType"].startswith("text/plain"), head

    # A second seed changes nothing (the 20 MB file is hashed, not uploaded again).
    r2 = e.devenv("seed", "--json")
    assert r2.code == 0, r2
    doc = json.loads(r2.out)
    minio = {k: v for k, v in outcomes(doc).items() if k[0] == "s3"}
    assert set(minio.values()) == {"unchanged"}, minio
    assert ("s3", f"objects of media: {len(want) + 1}") in minio, minio

    # The application's traces: a bucket, an object, a deleted seeded object, a changed one, and
    # versions in the versioned bucket (a bucket that holds versions cannot be deleted otherwise).
    cli.run("s3", "mb", "s3://app-made-this")
    cli.run("s3", "cp", str(e.dir / "devenv.yaml"), "s3://app-made-this/x y+z.yaml")
    cli.run("s3api", "delete-object", "--bucket", "media", "--key", "plus+sign.txt")
    cli.run("s3", "cp", str(e.dir / "devenv.yaml"), "s3://media/100%.txt")
    for i in range(3):
        cli.run("s3", "cp", str(e.dir / "devenv.yaml"), f"s3://exports/report {i}.csv")
        cli.run("s3", "cp", str(e.dir / "devenv.yaml"), "s3://exports/report 0.csv")
    assert len(cli.json("s3api", "list-object-versions", "--bucket", "exports")["Versions"]) >= 4

    t0 = time.monotonic()
    r3 = e.devenv("reset", "--json")
    took = time.monotonic() - t0
    assert r3.code == 0, r3
    print(f"soft reset of postgres + redis + minio(versitygw): {took:.2f} s")
    doc = json.loads(r3.out)
    assert outcomes(doc).get(("s3", "bucket app-made-this")) == "removed", doc
    assert cli.buckets() == ["avatars", "exports", "media", "uploads"]
    assert cli.json("s3api", "list-object-versions", "--bucket", "exports").get("Versions") is None
    assert cli.json("s3api", "get-bucket-versioning", "--bucket", "exports").get("Status") == "Enabled"
    assert set(cli.keys("media")) == {*want, BIG_KEY}
    assert cli.get("media", "plus+sign.txt") == ODD_KEYS["plus+sign.txt"]
    assert cli.get("media", "100%.txt") == ODD_KEYS["100%.txt"]


def test_presigned_urls_from_the_exported_credentials_work(s3env, tmp_path):
    e = s3env()
    r = up(e)
    assert r.code == 0, r
    cli = Aws(e, tmp_path)
    for key, data in [("with space.txt", ODD_KEYS["with space.txt"]),
                      ("caf\u00e9/\u30d5\u30a1\u30a4\u30eb.txt", ODD_KEYS["caf\u00e9/\u30d5\u30a1\u30a4\u30eb.txt"])]:
        url = cli.run("s3", "presign", f"s3://media/{key}", "--expires-in", "300").stdout.strip()
        assert "X-Amz-Signature=" in url, url
        got = subprocess.run(["curl", "-sS", "--noproxy", "*", "-w", "\n%{http_code}", url], capture_output=True,
                             timeout=30)
        body, _, status = got.stdout.rpartition(b"\n")
        assert status == b"200" and body == data, got
        # A tampered signature is refused.
        tampered = url[:-1] + ("0" if url[-1] != "0" else "1")
        got = subprocess.run(["curl", "-sS", "--noproxy", "*", "-o", "/dev/null", "-w", "%{http_code}", tampered],
                             capture_output=True, text=True, timeout=30)
        assert got.stdout == "403", got


def test_a_wrong_secret_in_the_profile_ends_in_exit_5_naming_the_signature_error(s3env):
    # The server runs with another password than the one devenv signs with.
    e = s3env(["--set", "services.minio.with.root_password=devenv-signs-with-this",
               "--set", "services.minio.environment.MINIO_ROOT_PASSWORD=the-servers-own-secret",
               "--set", "services.minio.environment.VGW_ACCESS_LOG=/tmp/access.log"])
    t0 = time.monotonic()
    r = up(e, timeout=300)
    took = time.monotonic() - t0
    assert r.code == 5, r
    out = r.out + r.err
    assert "SignatureDoesNotMatch" in out, r
    assert "root_password" in out, r  # says which setting to fix
    assert "devenv-signs-with-this" not in out and "the-servers-own-secret" not in out, r
    # Quickly, and without a retry storm: a handful of requests, not one per object and attempt.
    assert took < 60, took
    log = docker("exec", f"{e.name}-minio-1", "cat", "/tmp/access.log")
    assert log.returncode == 0, log.stderr
    requests = [line for line in log.stdout.splitlines() if " SigV4 " in line]  # not the health probes
    print(f"requests the server saw: {len(requests)}")
    assert 0 < len(requests) <= 12 and all(" 403 SignatureDoesNotMatch " in line for line in requests), log.stdout
    # The rest of the profile was seeded; a rerun after fixing the secret finishes the job.
    # A reset refuses the same way (and seeds nothing on top of what it could not delete).
    rr = e.devenv("reset", "minio", "--project-name", e.name, "--port-offset", str(e.offset), *e.base_args)
    assert rr.code == 5 and "SignatureDoesNotMatch" in rr.out + rr.err, rr
    r2 = e.devenv("seed", "--project-name", e.name, "--port-offset", str(e.offset),
                  "--set", "services.minio.with.root_password=the-servers-own-secret")
    assert r2.code == 0, r2

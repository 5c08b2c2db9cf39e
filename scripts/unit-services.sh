#!/usr/bin/env bash
# Runs a command with real servers for the unit tests that need them: PostgreSQL, Redis and moto
# from the stand-in images, on ports Docker picks, named in DEVENV_TEST_PG, DEVENV_TEST_REDIS,
# DEVENV_TEST_AWS_ENDPOINT; DEVENV_TEST_DOCKER=1 turns on the engine tests. Removes them after.
set -euo pipefail
repo=${DEVENV_STANDIN_REPO:-devenv-standin}
tag=devenv-unit-$$
cleanup() { docker rm -fv "$tag-pg" "$tag-redis" "$tag-moto" >/dev/null 2>&1 || true; }
trap cleanup EXIT
docker run -d --name "$tag-pg" -e POSTGRES_USER=unit -e POSTGRES_PASSWORD=unit-pw -e POSTGRES_DB=unit \
  -p 127.0.0.1::5432 "$repo/postgres:17" >/dev/null
docker run -d --name "$tag-redis" -p 127.0.0.1::6379 "$repo/redis:8" >/dev/null
docker run -d --name "$tag-moto" -p 127.0.0.1::5000 "$repo/moto:5" >/dev/null
port() { docker port "$1" "$2" | head -1 | sed 's/.*://'; }
pg=$(port "$tag-pg" 5432); redis=$(port "$tag-redis" 6379); moto=$(port "$tag-moto" 5000)
# Wait until each really answers (the clients, not a sleep), at most 60 s.
for _ in $(seq 600); do
  if PGPASSWORD=unit-pw psql -h 127.0.0.1 -p "$pg" -U unit -d unit -tAc 'select 1' >/dev/null 2>&1 \
     && redis-cli -h 127.0.0.1 -p "$redis" ping >/dev/null 2>&1 \
     && /usr/bin/python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$moto/moto-api/')" >/dev/null 2>&1; then
    ready=1; break
  fi
  sleep 0.1
done
if [ "${ready:-}" != 1 ]; then
  echo "unit-services: the test servers did not answer within 60 s; their logs:" >&2
  for c in pg redis moto; do docker logs --tail 20 "$tag-$c" >&2 || true; done
  exit 1
fi
export DEVENV_TEST_PG="127.0.0.1:$pg:unit:unit-pw:unit"
export DEVENV_TEST_REDIS="127.0.0.1:$redis"
export DEVENV_TEST_AWS_ENDPOINT="http://127.0.0.1:$moto"
export DEVENV_TEST_DOCKER=1
"$@"

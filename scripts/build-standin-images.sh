#!/usr/bin/env bash
# Builds the stand-in service images from Debian trixie packages; no image registry is reachable
# on devenv's machines (docs/standin-images.md). One root filesystem holds every package; it is
# made once by mmdebstrap, cached as a tarball, and imported as several tags that differ only in
# entrypoint, environment, ports and volumes.
#
# Reruns are fast: an image whose tag exists and carries this recipe's label is skipped, and the
# cached tarball is reused while the package list and the scripts/standin/ files are unchanged
# (their hash names it). An image built from an older recipe is replaced.
#
#   scripts/build-standin-images.sh            build what is missing or outdated
#   scripts/build-standin-images.sh --verify   then start each image and talk to it
#
# Environment: DEVENV_STANDIN_REPO (image name prefix, default devenv-standin),
# DEVENV_STANDIN_CACHE (default /var/cache/devenv-standin), DEVENV_DEBIAN_MIRROR.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="${DEVENV_STANDIN_REPO:-devenv-standin}"
cache="${DEVENV_STANDIN_CACHE:-/var/cache/devenv-standin}"
mirror="${DEVENV_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
label=org.devenv.standin.recipe
say() { echo "standin: $*"; }

verify=0
case "${1:-}" in
  --verify) verify=1 ;;
  "") ;;
  *) echo "usage: $0 [--verify]" >&2; exit 2 ;;
esac

# --- the recipe --------------------------------------------------------------------------------
suite=trixie
packages=(
  postgresql-17 postgresql-17-postgis-3 postgresql-client-17
  redis-server
  # moto's server needs flask-cors (exits without it) and joserfc (Cognito's RS256 tokens and
  # JWKS); yaml, multipart, jsonpath-ng and pyparsing serve other moto features (S3 POST
  # uploads, EventBridge/Step Functions paths, IoT).
  python3-moto python3-flask-cors python3-joserfc python3-yaml python3-multipart
  python3-jsonpath-ng python3-pyparsing
  ca-certificates xz-utils
)
# Left out of the image (about 280 MB): documentation, manual pages, message translations, and
# LLVM, which only PostgreSQL's optional JIT uses (the server runs without JIT when it is absent).
dpkg_opts=(
  'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright'
  'path-exclude=/usr/share/man/*' 'path-exclude=/usr/share/info/*'
  'path-exclude=/usr/share/locale/*'
  'path-exclude=/usr/lib/x86_64-linux-gnu/libLLVM*' 'path-exclude=/usr/lib/x86_64-linux-gnu/libz3.so*'
  'path-exclude=/usr/lib/postgresql/17/lib/llvmjit*' 'path-exclude=/usr/lib/postgresql/17/lib/bitcode/*'
)
standin_files=(postgres-entrypoint redis-entrypoint moto-entrypoint redis-standin.conf)
# shellcheck disable=SC2016  # "$1" in a hook is the chroot, expanded by mmdebstrap's shell
hooks=(
  "copy-in $here/standin/postgres-entrypoint $here/standin/redis-entrypoint $here/standin/moto-entrypoint /usr/local/bin"
  "copy-in $here/standin/redis-standin.conf /etc/redis"
  'chmod 755 "$1"/usr/local/bin/*-entrypoint && chmod 644 "$1"/etc/redis/redis-standin.conf'
  # No Debian cluster: the entrypoint makes one in PGDATA. listen_addresses='*' in the sample
  # configuration, as the official image does, so every new cluster listens on all addresses.
  'rm -rf "$1"/etc/postgresql/17/main "$1"/var/lib/postgresql/17 &&
   sed -ri "s/^#?(listen_addresses)\s*=\s*\S+.*/\1 = \x27*\x27/" "$1"/usr/share/postgresql/17/postgresql.conf.sample &&
   mkdir -p "$1"/docker-entrypoint-initdb.d "$1"/var/lib/postgresql/data "$1"/data &&
   chroot "$1" chown postgres: /var/lib/postgresql/data && chroot "$1" chown redis: /data'
)

pg_bin=/usr/lib/postgresql/17/bin
path="$pg_bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Each tag: name, then `docker import -c` changes (Engine 20.10 accepts no STOPSIGNAL here).
pg_changes=(
  'ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]' 'CMD ["postgres"]'
  "ENV PATH=$path" 'ENV PG_MAJOR=17' 'ENV PGDATA=/var/lib/postgresql/data' 'ENV LANG=C.UTF-8'
  'EXPOSE 5432' 'VOLUME /var/lib/postgresql/data'
)
redis_changes=(
  'ENTRYPOINT ["/usr/local/bin/redis-entrypoint"]' 'CMD ["redis-server"]'
  'EXPOSE 6379' 'VOLUME /data' 'WORKDIR /data'
)
moto_changes=(
  'ENTRYPOINT ["/usr/local/bin/moto-entrypoint"]' 'ENV PYTHONUNBUFFERED=1' 'EXPOSE 5000'
)

# The rootfs's identity: everything that shapes it, paths of this checkout left out.
rootfs_id="$( {
  printf '%s\n' "$suite" "${packages[@]}" "${dpkg_opts[@]}" "${hooks[@]//"$here"/}"
  (cd "$here/standin" && sha256sum -- "${standin_files[@]}")
} | sha256sum | cut -c1-12)"
rootfs="$cache/rootfs-$rootfs_id.tar"

recipe_of() { printf '%s\n' "$rootfs_id" "$@" | sha256sum | cut -c1-12; }
current_recipe() { docker image inspect -f "{{index .Config.Labels \"$label\"}}" "$1" 2>/dev/null || true; }

build_rootfs() {
  [ -s "$rootfs" ] && return 0
  command -v mmdebstrap >/dev/null || { say "mmdebstrap missing: run scripts/install-deps.sh" >&2; exit 1; }
  say "building the $suite root filesystem with mmdebstrap (1-3 minutes)"
  local start=$SECONDS opts=() o
  for o in "${dpkg_opts[@]}"; do opts+=(--dpkgopt="$o"); done
  for o in "${hooks[@]}"; do opts+=(--customize-hook="$o"); done
  mkdir -p "$cache"
  mmdebstrap --quiet --variant=minbase --format=tar --include="$(IFS=,; echo "${packages[*]}")" \
    "${opts[@]}" "$suite" "$rootfs.partial" "$mirror"
  mv "$rootfs.partial" "$rootfs"
  say "root filesystem built in $((SECONDS - start)) s ($(du -m "$rootfs" | cut -f1) MB)"
}

# import_image TAG CHANGE...: imports the rootfs as TAG unless TAG already has this recipe.
import_image() {
  local tag="$1" recipe old args=() c
  shift
  recipe="$(recipe_of "$@")"
  old="$(current_recipe "$tag")"
  if [ "$old" = "$recipe" ]; then
    say "$tag is up to date"
    return 0
  fi
  build_rootfs
  for c in "$@" "LABEL $label=$recipe"; do args+=(-c "$c"); done
  old="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
  docker import "${args[@]}" "$rootfs" "$tag" >/dev/null
  say "imported $tag"
  # The replaced image, unless a container still uses it.
  if [ -n "$old" ]; then docker image rm "$old" >/dev/null 2>&1 || true; fi
}

start=$SECONDS
docker info >/dev/null 2>&1 || { say "no Docker engine answers: run scripts/start-engine.sh" >&2; exit 1; }
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9   # one builder at a time; a second one then finds the images made
import_image "$repo/postgres:17" "${pg_changes[@]}"
import_image "$repo/redis:8" "${redis_changes[@]}"
import_image "$repo/moto:5" "${moto_changes[@]}"
if [ -s "$rootfs" ]; then   # tarballs of older recipes
  find "$cache" -maxdepth 1 -name 'rootfs-*.tar*' ! -name "rootfs-$rootfs_id.tar" -delete
fi
exec 9>&-
say "done in $((SECONDS - start)) s"

[ "$verify" = 1 ] || exit 0

# --- --verify: start each image, talk to it with Debian's own clients, remove it --------------
containers=()
cleanup() { if [ "${#containers[@]}" -gt 0 ]; then docker rm -f -v "${containers[@]}" >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# run_detached NAME IMAGE-ARGS...: starts a container publishing its port on 127.0.0.1:random.
run_detached() {
  local name="$1"; shift
  containers+=("$name")
  docker run -d --name "$name" "$@" >/dev/null
}
host_port() { docker port "$1" "$2" | head -n1 | sed 's/.*://'; }
# wait_for SECONDS CMD...: polls CMD every 0.2 s.
wait_for() {
  local limit="$1" t0=$SECONDS; shift
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS - t0 > limit )); then return 1; fi
    sleep 0.2
  done
}
# http_get URL: prints the body; fails on no answer or an HTTP error (python3: no curl needed).
http_get() {
  python3 -c 'import sys, urllib.request as u
sys.stdout.write(u.build_opener(u.ProxyHandler({})).open(sys.argv[1], timeout=5).read().decode())' "$1"
}
fail() { say "VERIFY FAILED: $*" >&2; docker logs --tail 30 "${containers[-1]}" >&2 || true; exit 1; }
id=$$

say "verify postgres"
t0=$(now)
run_detached "standin-verify-pg-$id" -p 127.0.0.1::5432 -e POSTGRES_USER=app -e POSTGRES_PASSWORD=secret \
  -e POSTGRES_DB=appdb "$repo/postgres:17" postgres -c wal_level=logical
port="$(host_port "standin-verify-pg-$id" 5432)"
wait_for 60 pg_isready -q -h 127.0.0.1 -p "$port" || fail "postgres did not answer"
say "  postgres answers after $(elapsed "$t0") s (initdb included)"
out="$(PGPASSWORD=secret psql -X -At -h 127.0.0.1 -p "$port" -U app -d appdb -c 'create extension postgis' \
  -c 'select ST_AsText(ST_MakePoint(1,2))' -c 'show wal_level' -c 'select current_user')" ||
  fail "psql"
[ "$out" = $'CREATE EXTENSION\nPOINT(1 2)\nlogical\napp' ] || fail "postgres answered: $out"
if PGPASSWORD=wrong psql -X -h 127.0.0.1 -p "$port" -U app -d appdb -c 'select 1' >/dev/null 2>&1; then
  fail "postgres accepted a wrong password"
fi
t0=$(now)
docker stop -t 20 "standin-verify-pg-$id" >/dev/null
say "  postgres stops in $(elapsed "$t0") s on SIGTERM"
[[ "$(docker logs "standin-verify-pg-$id" 2>&1)" == *'database system is shut down'* ]] || fail "unclean stop"

say "verify redis"
t0=$(now)
run_detached "standin-verify-redis-$id" -p 127.0.0.1::6379 "$repo/redis:8" redis-server --appendonly yes
port="$(host_port "standin-verify-redis-$id" 6379)"
wait_for 30 sh -c "redis-cli -h 127.0.0.1 -p $port ping | grep -q PONG" || fail "redis did not answer"
say "  redis answers after $(elapsed "$t0") s"
redis-cli -h 127.0.0.1 -p "$port" set k v >/dev/null
[ "$(redis-cli -h 127.0.0.1 -p "$port" get k)" = v ] || fail "redis get"
[ "$(redis-cli -h 127.0.0.1 -p "$port" config get appendonly | tail -n1)" = yes ] || fail "redis args"
t0=$(now)
docker stop -t 20 "standin-verify-redis-$id" >/dev/null
say "  redis stops in $(elapsed "$t0") s on SIGTERM"

say "verify moto"
t0=$(now)
run_detached "standin-verify-moto-$id" -p 127.0.0.1::5000 "$repo/moto:5"
port="$(host_port "standin-verify-moto-$id" 5000)"
wait_for 60 http_get "http://127.0.0.1:$port/moto-api/" || fail "moto did not answer"
say "  moto answers after $(elapsed "$t0") s"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=''
aws_() { aws --endpoint-url "http://127.0.0.1:$port" --output text "$@"; }
t0=$(now)
aws_ dynamodb create-table --table-name standin --attribute-definitions AttributeName=id,AttributeType=S \
  --key-schema AttributeName=id,KeyType=HASH --billing-mode PAY_PER_REQUEST >/dev/null || fail dynamodb
aws_ dynamodb put-item --table-name standin --item '{"id":{"S":"a"}}' || fail dynamodb
url="$(aws_ sqs create-queue --queue-name standin)" || fail sqs
aws_ sqs send-message --queue-url "$url" --message-body hi >/dev/null || fail sqs
aws_ ssm put-parameter --name /standin/x --value 1 --type String >/dev/null || fail ssm
[ "$(aws_ ssm get-parameter --name /standin/x --query Parameter.Value)" = 1 ] || fail ssm
aws_ s3 mb s3://standin >/dev/null || fail s3
echo hello | aws_ s3 cp - s3://standin/k >/dev/null || fail s3
[ "$(aws_ s3 cp s3://standin/k -)" = hello ] || fail s3
aws_ events put-rule --name standin --event-pattern '{"source":["app"]}' >/dev/null || fail events
aws_ events put-events --entries '[{"Source":"app","DetailType":"x","Detail":"{}"}]' >/dev/null || fail events
aws_ secretsmanager create-secret --name standin --secret-string s3cr3t >/dev/null || fail secretsmanager
[ "$(aws_ secretsmanager get-secret-value --secret-id standin --query SecretString)" = s3cr3t ] || fail secretsmanager
aws_ sts get-caller-identity >/dev/null || fail sts
aws_ cognito-idp list-user-pools --max-results 10 >/dev/null || fail cognito-idp
pool="$(aws_ cognito-idp create-user-pool --pool-name standin --query UserPool.Id)" || fail cognito-idp
client="$(aws_ cognito-idp create-user-pool-client --user-pool-id "$pool" --client-name standin \
  --explicit-auth-flows ALLOW_USER_PASSWORD_AUTH ALLOW_REFRESH_TOKEN_AUTH --query UserPoolClient.ClientId)" ||
  fail cognito-idp
aws_ cognito-idp admin-create-user --user-pool-id "$pool" --username u1 >/dev/null || fail cognito-idp
aws_ cognito-idp admin-set-user-password --user-pool-id "$pool" --username u1 --password 'Pass-word1!' \
  --permanent || fail cognito-idp
token="$(aws_ cognito-idp initiate-auth --client-id "$client" --auth-flow USER_PASSWORD_AUTH \
  --auth-parameters 'USERNAME=u1,PASSWORD=Pass-word1!' --query AuthenticationResult.IdToken)" || fail cognito-idp
kid="$(python3 -c 'import base64,json,sys; h=sys.argv[1].split(".")[0]
h=json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4))); assert h["alg"] == "RS256"
print(h["kid"])' "$token")" || fail "cognito token header"
[[ "$(http_get "http://127.0.0.1:$port/$pool/.well-known/jwks.json")" == *"\"$kid\""* ]] || fail "cognito JWKS"
say "  dynamodb sqs ssm s3 events secretsmanager sts cognito-idp (token + JWKS) answer ($(elapsed "$t0") s)"
docker rm -f "standin-verify-moto-$id" >/dev/null

say "verify moto as an S3 server on 9000 with a MinIO command"
run_detached "standin-verify-s3-$id" -p 127.0.0.1::9000 -e MOTO_PORT=9000 "$repo/moto:5" \
  server /data --console-address :9001
port="$(host_port "standin-verify-s3-$id" 9000)"
wait_for 60 http_get "http://127.0.0.1:$port/minio/health/ready" || fail "moto on 9000 did not answer"
aws_ s3 mb s3://standin >/dev/null || fail "s3 on 9000"
aws_ s3 ls >/dev/null || fail "s3 on 9000"
t0=$(now)
docker stop -t 20 "standin-verify-s3-$id" >/dev/null
say "  moto stops in $(elapsed "$t0") s on SIGTERM"
say "verify: all images work"

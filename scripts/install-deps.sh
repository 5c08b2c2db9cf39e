#!/usr/bin/env bash
# Installs, from Debian 12's own packages, what building, running and testing devenv needs:
# the build dependencies, a Docker engine (docker.io), mmdebstrap for the stand-in images
# (scripts/build-standin-images.sh) and the independent test clients. When every package is
# installed already, apt is not run at all (a rerun takes a fraction of a second).
set -euo pipefail
pkgs=(
  # build
  cmake ninja-build g++ ccache pkg-config
  libcli11-dev libyaml-cpp-dev libcurl4-openssl-dev libfmt-dev nlohmann-json3-dev doctest-dev
  libssl-dev libpq-dev libhiredis-dev librdkafka-dev
  # the XML parser for AWS query-protocol and S3 answers (cli/aws/xml.cpp)
  libpugixml-dev
  # engine (started by scripts/start-engine.sh) and image building
  docker.io mmdebstrap
  # the JVM stand-in images fetch their jars with the machine's own Maven (scripts/standin/jvm)
  maven
  # test clients and the end-to-end harness
  awscli postgresql-client redis-tools python3-pytest python3-jsonschema python3-yaml
  # independent clients: HTTP (LocalStack health and queue URLs, presigned S3 URLs, Vault,
  # Prometheus, Connect REST) and Kafka
  kcat curl
  # the sanitizer and fuzzing build (scripts/sanitize.sh: clang with ASan, UBSan, libFuzzer)
  clang-14 libclang-rt-14-dev
  # bench/startup.py cross-checks the start-up time with hyperfine
  hyperfine
  # shells the completion scripts are tested in
  zsh fish
  # the packaging test renders the installed man page
  man-db
  # bench/seed_scale.py draws its plot (bench/results/seed-scale.png)
  python3-matplotlib
  # fault drills: `ss` (who holds a connection to a service), `ip` (the second engine's bridge)
  iproute2
  # image pulls (tests/e2e/test_pulls.py): a local registry (CNCF distribution) and htpasswd
  # for its basic-auth file
  docker-registry apache2-utils
  # remote engines (tests/e2e/test_remote_engine.py): sshd in the test's network namespace for
  # DOCKER_HOST=ssh://, and Podman's Docker-compatible API as a second kind of engine
  openssh-server podman
)

# One dpkg-query for all of them; a package never seen by dpkg is reported on stderr instead.
installed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${pkgs[@]}" 2>/dev/null || true)"
missing=()
for p in "${pkgs[@]}"; do
  grep -qxF "$p installed" <<<"$installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "deps: all ${#pkgs[@]} packages installed"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "deps: missing ${missing[*]}; run this script as root" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
start=$SECONDS
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
echo "deps: installed ${#missing[@]} packages in $((SECONDS - start)) s"

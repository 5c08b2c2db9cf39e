#!/usr/bin/env bash
# Makes `docker` and `docker compose` (v2) work on a Debian 12 machine without systemd:
#  - when `docker compose` is not Compose v2, installs the plugin from Debian trixie's
#    docker-compose package, fetched with a throw-away sources list: trixie never enters the
#    machine's apt sources;
#  - when no engine answers, starts dockerd (Debian's docker.io, from scripts/install-deps.sh)
#    in the background, detached from this shell, and waits for it (about 2-20 s).
# Both steps are skipped when already done, so a rerun takes a fraction of a second.
# Either client works: Debian's /usr/bin/docker (20.10) or a newer one in /usr/local/bin;
# newer clients negotiate the engine's API version (1.41) by themselves.
set -euo pipefail
log="${DEVENV_DOCKERD_LOG:-/var/log/devenv-dockerd.log}"
# shellcheck source=lib/debian-mirror.sh
. "$(dirname "$0")/lib/debian-mirror.sh"
plugin_dir=/usr/local/lib/docker/cli-plugins
say() { echo "engine: $*"; }
die() { echo "engine: $*" >&2; exit 1; }

command -v docker >/dev/null || die "no docker client; run scripts/install-deps.sh first"
engine_answers() { docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }
compose_v2() { docker compose version --short 2>/dev/null | grep -Eq '^v?2\.'; }

start_engine() {
  command -v dockerd >/dev/null || die "no dockerd; run scripts/install-deps.sh first"
  if [ -n "${DOCKER_HOST:-}" ] && [ "$DOCKER_HOST" != unix:///var/run/docker.sock ]; then
    die "DOCKER_HOST=$DOCKER_HOST does not answer; not starting a local engine for it"
  fi
  local pid='' deadline
  if [ -s /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    say "dockerd (pid $(cat /var/run/docker.pid)) runs but does not answer yet; waiting"
  else
    say "starting dockerd (log: $log)"
    mkdir -p "$(dirname "$log")"
    # --iptables=false: these machines have no netfilter; published ports and name resolution
    # on user-defined networks still work. setsid: the daemon outlives this script's session.
    setsid dockerd --iptables=false --storage-driver=overlay2 --data-root /var/lib/docker \
      </dev/null >"$log" 2>&1 &
    pid=$!
  fi
  deadline=$((SECONDS + 60))
  until engine_answers; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      echo "engine: dockerd exited; last lines of $log:" >&2
      tail -n 30 "$log" >&2 || true
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "engine: dockerd did not answer within 60 s; last lines of $log:" >&2
      tail -n 30 "$log" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

install_compose() {
  local work
  work="$(mktemp -d)"
  # shellcheck disable=SC2064  # expand now: $work is local
  trap "rm -rf '$work'" EXIT
  say "installing Compose v2 from Debian trixie's docker-compose package"
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
  local mirror
  mirror="$(debian_mirror)"
  echo "deb $mirror trixie main" > "$work/sources.list"
  local apt=(apt-get -qq
    -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
    -o Acquire::Languages=none -o APT::Sandbox::User=root)
  "${apt[@]}" update
  (cd "$work" && "${apt[@]}" download docker-compose)
  dpkg -x "$work"/docker-compose_*.deb "$work/x"
  mkdir -p "$plugin_dir"
  install -m 0755 "$work/x/usr/libexec/docker/cli-plugins/docker-compose" "$plugin_dir/"
  rm -rf "$work"
  trap - EXIT
}

if ! engine_answers || ! compose_v2; then
  # One starter at a time; a second caller waits, then finds everything done.
  mkdir -p /run/lock
  exec 9>/run/lock/devenv-start-engine.lock
  flock 9
  if ! compose_v2; then   # needs no engine
    install_compose
    compose_v2 || die "docker compose still is not v2 after installing $plugin_dir/docker-compose"
  fi
  engine_answers || start_engine
  exec 9>&-
fi
say "$(docker version --format \
  'client {{.Client.Version}} (API {{.Client.APIVersion}}), engine {{.Server.Version}} (API {{.Server.APIVersion}})'
), compose $(docker compose version --short)"

#!/usr/bin/env bash
# Builds the stand-in service images locally: no image registry is reachable on devenv's
# machines (docs/standin-images.md). One builder, one recipe scheme: each folder
# scripts/standin/NAME/ holds a recipe.sh (what goes into one Debian root filesystem and which
# tags are imported from it), the files it copies in, and optionally a verify.sh.
#
#   scripts/build-standin-images.sh [--verify] [NAME...]   default: every recipe
#
# A recipe.sh sets, for the builder that sources it in a subshell:
#   suite=trixie                 Debian suite of the root filesystem (mmdebstrap minbase)
#   packages=(...)               Debian packages in it
#   dpkg_opts+=(...)             more dpkg path-exclude/include options (defaults below)
#   hooks=(...)                  mmdebstrap --customize-hook commands; "$1" is the chroot,
#                                $RECIPE the recipe folder, $ARTIFACTS what prepare() made;
#                                mmdebstrap's special hooks (copy-in, tar-in, ...) are no shell:
#                                write them in double quotes so the recipe expands the paths
#   prepare() { ...; }           optional, runs on the host before mmdebstrap: fetch into
#                                $ARTIFACTS with the machine's own pip, mvn, go or npm (so a
#                                user's mirror or proxy is honoured; no host is written here)
#   images() { image TAG CHANGE...; ... }   tags to import, with `docker import -c` changes
# and verify.sh (sourced with --verify) may define verify(), using run_detached, host_port,
# wait_for, http_get, elapsed, now and fail from this script.
#
# Reruns are fast: a tag whose label org.devenv.standin.recipe matches the recipe's hash is
# skipped. The hash covers every file of the recipe folder but verify.sh; the root filesystem
# is cached as $DEVENV_STANDIN_CACHE/NAME-HASH.tar and older ones are deleted. A lock per recipe
# lets several builders run at once on different recipes.
#
# Environment: DEVENV_STANDIN_REPO (image name prefix, default devenv-standin),
# DEVENV_STANDIN_CACHE (default /var/cache/devenv-standin), DEVENV_DEBIAN_MIRROR (default: the
# machine's own Debian source, scripts/lib/debian-mirror.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/debian-mirror.sh
. "$here/lib/debian-mirror.sh"
repo="${DEVENV_STANDIN_REPO:-devenv-standin}"
cache="${DEVENV_STANDIN_CACHE:-/var/cache/devenv-standin}"
label=org.devenv.standin.recipe
recipes_dir="$here/standin"
say() { echo "standin: $*"; }
die() { echo "standin: $*" >&2; exit 1; }

verify=0
names=()
for arg in "$@"; do
  case "$arg" in
    --verify) verify=1 ;;
    -*) echo "usage: $0 [--verify] [NAME...]" >&2; exit 2 ;;
    *) [ -f "$recipes_dir/$arg/recipe.sh" ] || die "no recipe $recipes_dir/$arg/recipe.sh"; names+=("$arg") ;;
  esac
done
if [ "${#names[@]}" -eq 0 ]; then
  for f in "$recipes_dir"/*/recipe.sh; do names+=("$(basename "$(dirname "$f")")"); done
fi

# Left out of every image unless a recipe says otherwise: documentation (copyright files are
# kept), manual pages, message translations.
default_dpkg_opts=(
  'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright'
  'path-exclude=/usr/share/man/*' 'path-exclude=/usr/share/info/*'
  'path-exclude=/usr/share/locale/*'
)

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# recipe_hash DIR: every file of the recipe but verify.sh, by relative path and content.
recipe_hash() {
  (cd "$1" && find . -type f ! -name verify.sh -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
    sha256sum | cut -c1-12
}

# build_recipe NAME: in a subshell, so one recipe's variables never reach the next.
build_recipe() (
  local name="$1"
  RECIPE="$recipes_dir/$name"
  suite=trixie packages=() hooks=() dpkg_opts=("${default_dpkg_opts[@]}")
  prepare() { :; }
  images() { die "recipe $name defines no images()"; }
  hash="$(recipe_hash "$RECIPE")"
  rootfs="$cache/$name-$hash.tar"
  ARTIFACTS="$cache/$name-$hash.artifacts"
  export RECIPE ARTIFACTS   # both set before the recipe is read: its hooks may name them
  # shellcheck source=/dev/null
  . "$RECIPE/recipe.sh"

  exec 9>"$cache/$name.lock"
  flock 9   # one builder per recipe; a second one then finds the images made

  build_rootfs() {
    [ -s "$rootfs" ] && return 0
    command -v mmdebstrap >/dev/null || die "mmdebstrap missing: run scripts/install-deps.sh"
    local start=$SECONDS opts=() o mirror
    mirror="$(debian_mirror)"
    rm -rf "$ARTIFACTS"; mkdir -p "$ARTIFACTS"
    say "$name: preparing on the host"
    prepare
    say "$name: building the $suite root filesystem with mmdebstrap"
    for o in "${dpkg_opts[@]}"; do opts+=(--dpkgopt="$o"); done
    for o in "${hooks[@]}"; do opts+=(--customize-hook="$o"); done
    mmdebstrap --quiet --variant=minbase --format=tar \
      ${packages[0]+--include="$(IFS=,; echo "${packages[*]}")"} \
      "${opts[@]}" "$suite" "$rootfs.partial" "$mirror"
    mv "$rootfs.partial" "$rootfs"
    rm -rf "$ARTIFACTS"
    say "$name: root filesystem built in $((SECONDS - start)) s ($(du -m "$rootfs" | cut -f1) MB)"
  }

  # image TAG CHANGE...: imports the rootfs as TAG unless TAG already carries this recipe.
  image() {
    local tag="$repo/$1" want old args=() c
    shift
    want="$(printf '%s\n' "$hash" "$@" | sha256sum | cut -c1-12)"
    if [ "$(docker image inspect -f "{{index .Config.Labels \"$label\"}}" "$tag" 2>/dev/null || true)" = "$want" ]; then
      say "$tag is up to date"
      return 0
    fi
    build_rootfs
    for c in "$@" "LABEL $label=$want"; do args+=(-c "$c"); done
    old="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
    docker import "${args[@]}" "$rootfs" "$tag" >/dev/null
    say "imported $tag"
    # The replaced image, unless a container still uses it.
    if [ -n "$old" ]; then docker image rm "$old" >/dev/null 2>&1 || true; fi
  }

  images
  # Tarballs of this recipe's older versions.
  if [ -s "$rootfs" ]; then
    find "$cache" -maxdepth 1 \( -name "$name-*.tar" -o -name "$name-*.tar.partial" -o -name "$name-*.artifacts" \) \
      ! -name "$name-$hash.tar" -exec rm -rf {} +
  fi
)

# --- --verify helpers: start an image, talk to it with independent clients, remove it --------
containers=()
cleanup() { if [ "${#containers[@]}" -gt 0 ]; then docker rm -f -v "${containers[@]}" >/dev/null 2>&1 || true; fi; }
# run_detached NAME IMAGE-ARGS...: starts a container (publish with -p 127.0.0.1::PORT).
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

start=$SECONDS
docker info >/dev/null 2>&1 || die "no Docker engine answers: run scripts/start-engine.sh"
mkdir -p "$cache"
rm -f "$cache"/rootfs-*.tar   # the single-recipe builder's tarballs
for name in "${names[@]}"; do
  t=$SECONDS
  build_recipe "$name"
  say "$name: done in $((SECONDS - t)) s"
done
say "done in $((SECONDS - start)) s"

[ "$verify" = 1 ] || exit 0
trap cleanup EXIT
id=$$
for name in "${names[@]}"; do
  [ -f "$recipes_dir/$name/verify.sh" ] || continue
  # shellcheck source=/dev/null
  . "$recipes_dir/$name/verify.sh"
  verify
  cleanup; containers=()
  unset -f verify
done
say "verify: all images work"

#!/usr/bin/env bash
# Packaging test: builds the .deb from an existing build folder (default build/), installs it
# with dpkg into this machine, and runs the installed /usr/bin/devenv from a folder outside the
# source tree (the binary must need nothing from it). Needs root for dpkg.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
start=$SECONDS
# Debian's zsh reads vendor-completions, not /usr/share/zsh/site-functions.
cmake -DDEVENV_ZSH_COMPLETION_DIR=share/zsh/vendor-completions "$build" >/dev/null
ninja -C "$build" devenv devenv_docs >/dev/null
rm -f "$build"/devenv_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(realpath "$(ls "$build"/devenv_*.deb)")
dpkg -i "$deb" >/dev/null

fail() { echo "test-deb: $*" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
[ "$(command -v devenv)" = /usr/bin/devenv ] || fail "devenv on PATH is $(command -v devenv), not /usr/bin/devenv"
version=$(/usr/bin/devenv version)
[[ $version =~ ^devenv\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "unexpected version output: $version"
profiles=$(/usr/bin/devenv profiles)
for p in aws web events; do
  grep -q "^$p " <<<"$profiles" || fail "devenv profiles does not list $p: $profiles"
done
for f in /usr/share/man/man1/devenv.1 /usr/share/bash-completion/completions/devenv \
         /usr/share/zsh/vendor-completions/_devenv /usr/share/fish/vendor_completions.d/devenv.fish; do
  [ -s "$f" ] || fail "the package lacks $f"
done
man -l /usr/share/man/man1/devenv.1 2>/dev/null | grep -q "EXIT STATUS" || fail "man -l devenv.1 does not render"
# The installed bash completion completes.
out=$(bash -c 'source /usr/share/bash-completion/completions/devenv; COMP_WORDS=(devenv pro); COMP_CWORD=1; _devenv; printf "%s\n" "${COMPREPLY[@]}"')
[ "$out" = profiles ] || fail "installed bash completion gave '$out' for 'devenv pro'"
deps=$(dpkg-deb -f "$deb" Depends)
size=$(du -k "$deb" | cut -f1)
echo "test-deb: $(basename "$deb") ($size KiB; Depends: $deps) installed; devenv version, profiles, man page and completion ok in $((SECONDS - start)) s"

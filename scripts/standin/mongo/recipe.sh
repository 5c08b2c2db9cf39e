# shellcheck shell=bash disable=SC2034,SC2016
# devenv-standin/mongo:7: FerretDB 1.24.2 (Apache-2.0; the MongoDB wire protocol, here on its
# SQLite backend) built on the host from the Go module proxy with the machine's `go`
# (CGO_ENABLED=0: a static binary), and mongosh 2.12.0 installed on the host with the
# machine's `npm` from package-lock.json (exact versions, no install scripts: mongosh's native
# add-ons are optional), run by Debian trixie's Node.js. Entrypoint: mongo-entrypoint.
ferretdb_version=v1.24.2
packages=(nodejs)

prepare() {
  local dir
  # The module's source from the Go module proxy, as the machine's go is configured.
  dir="$(cd "$ARTIFACTS" && go mod download -json "github.com/FerretDB/FerretDB@$ferretdb_version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$dir" ] || die "go mod download of FerretDB $ferretdb_version gave no source folder"
  cp -r "$dir" "$ARTIFACTS/ferretdb-src"
  chmod -R u+w "$ARTIFACTS/ferretdb-src"
  # FerretDB's build reads its version from this file (its own build writes it from git).
  echo "$ferretdb_version" > "$ARTIFACTS/ferretdb-src/build/version/version.txt"
  (cd "$ARTIFACTS/ferretdb-src" &&
    CGO_ENABLED=0 nice go build -trimpath -ldflags='-s -w' -o "$ARTIFACTS/ferretdb" ./cmd/ferretdb)
  rm -rf "$ARTIFACTS/ferretdb-src"
  [[ "$("$ARTIFACTS/ferretdb" --version)" == "version: $ferretdb_version"* ]] || die "ferretdb --version is not $ferretdb_version"

  mkdir -p "$ARTIFACTS/mongosh"
  cp "$RECIPE/package.json" "$RECIPE/package-lock.json" "$ARTIFACTS/mongosh/"
  (cd "$ARTIFACTS/mongosh" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
}

hooks=(
  # Shell hooks ("$1" is the chroot): $ARTIFACTS is only known when the build runs.
  'cp "$RECIPE"/mongo-entrypoint "$ARTIFACTS"/ferretdb "$1"/usr/local/bin/ &&
   cp -a "$ARTIFACTS"/mongosh "$1"/opt/ &&
   chmod 755 "$1"/usr/local/bin/mongo-entrypoint "$1"/usr/local/bin/ferretdb &&
   ln -s /opt/mongosh/node_modules/mongosh/bin/mongosh.js "$1"/usr/local/bin/mongosh &&
   chroot "$1" groupadd --gid 999 --system mongodb &&
   chroot "$1" useradd --uid 999 --system --gid mongodb --home-dir /data/db mongodb &&
   mkdir -p "$1"/data/db "$1"/data/configdb "$1"/docker-entrypoint-initdb.d &&
   chroot "$1" chown mongodb:mongodb /data/db /data/configdb'
)

images() {
  image mongo:7 \
    'ENTRYPOINT ["/usr/local/bin/mongo-entrypoint"]' 'CMD ["mongod"]' \
    'ENV HOME=/data/db' 'EXPOSE 27017' 'VOLUME /data/db /data/configdb'
}

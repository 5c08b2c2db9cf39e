# shellcheck shell=bash disable=SC2034,SC2016
# A stand-in for MinIO's image (quay.io/minio/minio) that checks SigV4 signatures: versitygw
# (Apache-2.0, github.com/versity/versitygw), an S3 gateway, with its posix backend on the /data
# volume. MinIO's server is AGPL and is not used. versitygw is built on the host with the
# machine's own `go` (module download included), static (CGO_ENABLED=0), and copied into a
# Debian minbase root filesystem with an entrypoint that reads MinIO's environment contract.
versitygw_version=v1.7.0
packages=()

# The Go build (about 2 of the 4 minutes, most of it CPU) runs in the background while
# mmdebstrap builds the root filesystem; the first hook waits for it.
prepare() {
  command -v go >/dev/null || die "go missing: the minio stand-in builds versitygw with the machine's go"
  (
    cd "$ARTIFACTS" &&
      CGO_ENABLED=0 GOBIN="$ARTIFACTS/bin" GOFLAGS=-modcacherw nice go install -trimpath \
        -ldflags "-s -w -X=main.Version=$versitygw_version" \
        "github.com/versity/versitygw/cmd/versitygw@$versitygw_version" >"$ARTIFACTS/go.log" 2>&1
    echo $? >"$ARTIFACTS/go.status"
  ) </dev/null &
}

hooks=(
  'for i in $(seq 1800); do [ -e "$ARTIFACTS/go.status" ] && break; sleep 0.5; done
   [ "$(cat "$ARTIFACTS/go.status" 2>/dev/null)" = 0 ] || { echo "go install of versitygw failed:" >&2; tail -n 30 "$ARTIFACTS/go.log" >&2; exit 1; }'
  # $ARTIFACTS is only known once the recipe's hash is: a shell hook, not copy-in.
  'cp "$ARTIFACTS/bin/versitygw" "$RECIPE/minio-entrypoint" "$1"/usr/local/bin/ &&
   chmod 755 "$1"/usr/local/bin/versitygw "$1"/usr/local/bin/minio-entrypoint && mkdir -p "$1"/data'
)

images() {
  image minio:versitygw \
    'ENTRYPOINT ["/usr/local/bin/minio-entrypoint"]' 'CMD ["minio"]' \
    'EXPOSE 9000' 'VOLUME /data' "LABEL org.devenv.standin.versitygw=$versitygw_version"
}

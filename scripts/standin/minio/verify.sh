# shellcheck shell=bash
# Starts the minio stand-in with MinIO's own command and environment and talks to it with awscli:
# the health path answers, the root user's keys work, a wrong secret is refused.
verify() {
  say "verify minio (versitygw)"
  t0=$(now)
  run_detached "standin-verify-minio-$id" -p 127.0.0.1::9000 -e MINIO_ROOT_USER=standin \
    -e MINIO_ROOT_PASSWORD=standin-secret -e MINIO_REGION=eu-west-1 "$repo/minio:versitygw" \
    server /data --console-address :9001
  port="$(host_port "standin-verify-minio-$id" 9000)"
  wait_for 60 http_get "http://127.0.0.1:$port/minio/health/ready" || fail "minio did not answer"
  say "  minio answers after $(elapsed "$t0") s"
  s3_() { AWS_ACCESS_KEY_ID=standin AWS_SECRET_ACCESS_KEY="${secret:-standin-secret}" AWS_DEFAULT_REGION=eu-west-1 \
            AWS_PAGER='' aws --endpoint-url "http://127.0.0.1:$port" --output text "$@"; }
  s3_ s3 mb s3://standin >/dev/null || fail "s3 mb"
  echo hello | s3_ s3 cp - "s3://standin/a b+c%d/é.txt" >/dev/null || fail "s3 cp"
  [ "$(s3_ s3 cp "s3://standin/a b+c%d/é.txt" -)" = hello ] || fail "s3 get"
  [ "$(s3_ s3api get-bucket-location --bucket standin)" = eu-west-1 ] || fail "region"
  if secret=wrong s3_ s3 ls >/dev/null 2>&1; then fail "a wrong secret was accepted"; fi
  t0=$(now)
  docker stop -t 20 "standin-verify-minio-$id" >/dev/null
  say "  minio stops in $(elapsed "$t0") s on SIGTERM"
}

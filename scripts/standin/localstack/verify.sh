# shellcheck shell=bash
# Starts the LocalStack stand-in as the localstack template does (SERVICES, EAGER_SERVICE_LOADING,
# a ready.d hook), waits for /_localstack/health with curl inside the image (the template's
# healthcheck) and talks to it with the host's awscli.
verify() {
  local c="standin-verify-localstack-$id" port hooks t0 out
  say "verify localstack"
  hooks="$(mktemp -d)"
  printf '#!/bin/bash\necho hook-ran >/tmp/hook-ran\n' >"$hooks/10-mark.sh"
  chmod 755 "$hooks/10-mark.sh"
  t0=$(now)
  run_detached "$c" -p 127.0.0.1::4566 -e SERVICES=sqs,ssm,s3,events,secretsmanager \
    -e EAGER_SERVICE_LOADING=true -e LOCALSTACK_DEBUG=0 -v "$hooks:/etc/localstack/init/ready.d:ro" \
    "$repo/localstack:4.14"
  port="$(host_port "$c" 4566)"
  wait_for 120 docker exec "$c" curl -fsS -o /dev/null http://127.0.0.1:4566/_localstack/health ||
    fail "localstack did not answer"
  wait_for 60 sh -c "docker exec $c curl -fsS http://127.0.0.1:4566/_localstack/init/ready | grep -q '\"completed\": true'" ||
    fail "the ready.d hook did not complete"
  say "  localstack ready after $(elapsed "$t0") s"
  docker exec "$c" test -f /tmp/hook-ran || fail "the ready.d hook did not run"
  out="$(http_get "http://127.0.0.1:$port/_localstack/health")" || fail "health"
  [[ "$out" == *'"version": "4.14.0"'* && "$out" == *'"sqs": "running"'* && "$out" == *'"dynamodb": "disabled"'* ]] ||
    fail "health answered: $out"
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=''
  aws_() { aws --endpoint-url "http://127.0.0.1:$port" --output text "$@"; }
  url="$(aws_ sqs create-queue --queue-name standin)" || fail sqs
  aws_ sqs send-message --queue-url "$url" --message-body hi >/dev/null || fail sqs
  aws_ ssm put-parameter --name /standin/x --value 1 --type String >/dev/null || fail ssm
  [ "$(aws_ ssm get-parameter --name /standin/x --query Parameter.Value)" = 1 ] || fail ssm
  aws_ s3 mb s3://standin >/dev/null || fail s3
  echo hello | aws_ s3 cp - s3://standin/k >/dev/null || fail s3
  [ "$(aws_ s3 cp s3://standin/k -)" = hello ] || fail s3
  aws_ events put-events --entries '[{"Source":"app","DetailType":"x","Detail":"{}"}]' >/dev/null || fail events
  aws_ secretsmanager create-secret --name standin --secret-string s3cr3t >/dev/null || fail secretsmanager
  [ "$(aws_ secretsmanager get-secret-value --secret-id standin --query SecretString)" = s3cr3t ] || fail secretsmanager
  # Nothing tried to leave the machine: no certificate download, no analytics, no DNS upstream.
  out="$(docker logs "$c" 2>&1)"
  [[ "$out" == *"Ready."* ]] || fail "no 'Ready.' in the log"
  if grep -v 'Skipping download' <<<"$out" | grep -qiE 'localstack\.cloud. is reachable|analytics|Downloading|download.*cert'; then
    fail "the log shows an attempt to reach the network"
  fi
  t0=$(now)
  docker stop -t 20 "$c" >/dev/null
  say "  localstack stops in $(elapsed "$t0") s on SIGTERM"
  rm -rf "$hooks"
}

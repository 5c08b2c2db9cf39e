# shellcheck shell=bash
# Starts devenv-standin/prometheus:2.53 with its default arguments, runs the prometheus
# template's healthcheck (wget) in it and asks the HTTP API for a query and the targets.
verify() {
  say "verify prometheus"
  local c="standin-verify-prom-$id" port
  t0=$(now)
  run_detached "$c" -p 127.0.0.1::9090 "$repo/prometheus:2.53"
  port="$(host_port "$c" 9090)"
  wait_for 60 http_get "http://127.0.0.1:$port/-/ready" || fail "prometheus did not answer"
  say "  prometheus answers after $(elapsed "$t0") s"
  docker exec "$c" wget -q -O /dev/null http://127.0.0.1:9090/-/ready || fail "wget healthcheck"
  [[ "$(http_get "http://127.0.0.1:$port/api/v1/query?query=up")" == *'"status":"success"'* ]] || fail "query"
  targets_up() { [[ "$(http_get "http://127.0.0.1:$port/api/v1/targets")" == *'"health":"up"'* ]]; }
  wait_for 30 targets_up || fail "its own target is not up"
  t0=$(now)
  docker stop -t 20 "$c" >/dev/null
  say "  prometheus stops in $(elapsed "$t0") s on SIGTERM"
}

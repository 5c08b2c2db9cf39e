# shellcheck shell=bash
# Starts devenv-standin/vault:openbao with the vault template's environment and command, runs
# `vault status` in it (the template's healthcheck) and writes/reads a KV v2 secret over HTTP.
verify() {
  say "verify vault (OpenBao)"
  local c="standin-verify-vault-$id" port out
  t0=$(now)
  run_detached "$c" -p 127.0.0.1::8200 --cap-add IPC_LOCK -e VAULT_DEV_ROOT_TOKEN_ID=verify-token \
    -e VAULT_DEV_LISTEN_ADDRESS=0.0.0.0:8200 -e VAULT_ADDR=http://127.0.0.1:8200 -e VAULT_LOG_LEVEL=info \
    -e SKIP_SETCAP=true "$repo/vault:openbao" server -dev
  port="$(host_port "$c" 8200)"
  wait_for 60 http_get "http://127.0.0.1:$port/v1/sys/health" || fail "vault did not answer"
  say "  vault answers after $(elapsed "$t0") s"
  docker exec "$c" vault status >/dev/null || fail "vault status"
  out="$(python3 -c 'import json, sys, urllib.request as u
o = u.build_opener(u.ProxyHandler({})); url = "http://127.0.0.1:%s/v1/secret/data/v" % sys.argv[1]
h = {"X-Vault-Token": "verify-token", "Content-Type": "application/json"}
o.open(u.Request(url, json.dumps({"data": {"k": "v"}}).encode(), h, method="POST"), timeout=5)
print(json.load(o.open(u.Request(url, headers=h), timeout=5))["data"]["data"]["k"])' "$port")" || fail "KV v2"
  [ "$out" = v ] || fail "vault answered: $out"
  t0=$(now)
  docker stop -t 20 "$c" >/dev/null
  say "  vault stops in $(elapsed "$t0") s on SIGTERM"
}

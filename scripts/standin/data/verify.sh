# shellcheck shell=bash
# Starts each image of the data recipe and talks to it with Debian's own clients (psql, redis-cli,
# awscli, python3 for HTTP).
verify() {
  say "verify postgres"
  t0=$(now)
  run_detached "standin-verify-pg-$id" -p 127.0.0.1::5432 -e POSTGRES_USER=app -e POSTGRES_PASSWORD=secret \
    -e POSTGRES_DB=appdb "$repo/postgres:17" postgres -c wal_level=logical
  port="$(host_port "standin-verify-pg-$id" 5432)"
  wait_for 60 pg_isready -q -h 127.0.0.1 -p "$port" || fail "postgres did not answer"
  say "  postgres answers after $(elapsed "$t0") s (initdb included)"
  out="$(PGPASSWORD=secret psql -X -At -h 127.0.0.1 -p "$port" -U app -d appdb -c 'create extension postgis' \
    -c 'select ST_AsText(ST_MakePoint(1,2))' -c 'show wal_level' -c 'select current_user')" ||
    fail "psql"
  [ "$out" = $'CREATE EXTENSION\nPOINT(1 2)\nlogical\napp' ] || fail "postgres answered: $out"
  if PGPASSWORD=wrong psql -X -h 127.0.0.1 -p "$port" -U app -d appdb -c 'select 1' >/dev/null 2>&1; then
    fail "postgres accepted a wrong password"
  fi
  t0=$(now)
  docker stop -t 20 "standin-verify-pg-$id" >/dev/null
  say "  postgres stops in $(elapsed "$t0") s on SIGTERM"
  [[ "$(docker logs "standin-verify-pg-$id" 2>&1)" == *'database system is shut down'* ]] || fail "unclean stop"

  say "verify redis"
  t0=$(now)
  run_detached "standin-verify-redis-$id" -p 127.0.0.1::6379 "$repo/redis:8" redis-server --appendonly yes
  port="$(host_port "standin-verify-redis-$id" 6379)"
  wait_for 30 sh -c "redis-cli -h 127.0.0.1 -p $port ping | grep -q PONG" || fail "redis did not answer"
  say "  redis answers after $(elapsed "$t0") s"
  redis-cli -h 127.0.0.1 -p "$port" set k v >/dev/null
  [ "$(redis-cli -h 127.0.0.1 -p "$port" get k)" = v ] || fail "redis get"
  [ "$(redis-cli -h 127.0.0.1 -p "$port" config get appendonly | tail -n1)" = yes ] || fail "redis args"
  t0=$(now)
  docker stop -t 20 "standin-verify-redis-$id" >/dev/null
  say "  redis stops in $(elapsed "$t0") s on SIGTERM"

  say "verify moto"
  t0=$(now)
  run_detached "standin-verify-moto-$id" -p 127.0.0.1::5000 "$repo/moto:5"
  port="$(host_port "standin-verify-moto-$id" 5000)"
  wait_for 60 http_get "http://127.0.0.1:$port/moto-api/" || fail "moto did not answer"
  say "  moto answers after $(elapsed "$t0") s"
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=''
  aws_() { aws --endpoint-url "http://127.0.0.1:$port" --output text "$@"; }
  t0=$(now)
  aws_ dynamodb create-table --table-name standin --attribute-definitions AttributeName=id,AttributeType=S \
    --key-schema AttributeName=id,KeyType=HASH --billing-mode PAY_PER_REQUEST >/dev/null || fail dynamodb
  aws_ dynamodb put-item --table-name standin --item '{"id":{"S":"a"}}' || fail dynamodb
  url="$(aws_ sqs create-queue --queue-name standin)" || fail sqs
  aws_ sqs send-message --queue-url "$url" --message-body hi >/dev/null || fail sqs
  aws_ ssm put-parameter --name /standin/x --value 1 --type String >/dev/null || fail ssm
  [ "$(aws_ ssm get-parameter --name /standin/x --query Parameter.Value)" = 1 ] || fail ssm
  aws_ s3 mb s3://standin >/dev/null || fail s3
  echo hello | aws_ s3 cp - s3://standin/k >/dev/null || fail s3
  [ "$(aws_ s3 cp s3://standin/k -)" = hello ] || fail s3
  aws_ events put-rule --name standin --event-pattern '{"source":["app"]}' >/dev/null || fail events
  aws_ events put-events --entries '[{"Source":"app","DetailType":"x","Detail":"{}"}]' >/dev/null || fail events
  aws_ secretsmanager create-secret --name standin --secret-string s3cr3t >/dev/null || fail secretsmanager
  [ "$(aws_ secretsmanager get-secret-value --secret-id standin --query SecretString)" = s3cr3t ] || fail secretsmanager
  aws_ sts get-caller-identity >/dev/null || fail sts
  aws_ cognito-idp list-user-pools --max-results 10 >/dev/null || fail cognito-idp
  pool="$(aws_ cognito-idp create-user-pool --pool-name standin --query UserPool.Id)" || fail cognito-idp
  client="$(aws_ cognito-idp create-user-pool-client --user-pool-id "$pool" --client-name standin \
    --explicit-auth-flows ALLOW_USER_PASSWORD_AUTH ALLOW_REFRESH_TOKEN_AUTH --query UserPoolClient.ClientId)" ||
    fail cognito-idp
  aws_ cognito-idp admin-create-user --user-pool-id "$pool" --username u1 >/dev/null || fail cognito-idp
  aws_ cognito-idp admin-set-user-password --user-pool-id "$pool" --username u1 --password 'Pass-word1!' \
    --permanent || fail cognito-idp
  token="$(aws_ cognito-idp initiate-auth --client-id "$client" --auth-flow USER_PASSWORD_AUTH \
    --auth-parameters 'USERNAME=u1,PASSWORD=Pass-word1!' --query AuthenticationResult.IdToken)" || fail cognito-idp
  kid="$(python3 -c 'import base64,json,sys; h=sys.argv[1].split(".")[0]
h=json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4))); assert h["alg"] == "RS256"
print(h["kid"])' "$token")" || fail "cognito token header"
  [[ "$(http_get "http://127.0.0.1:$port/$pool/.well-known/jwks.json")" == *"\"$kid\""* ]] || fail "cognito JWKS"
  say "  dynamodb sqs ssm s3 events secretsmanager sts cognito-idp (token + JWKS) answer ($(elapsed "$t0") s)"
  docker rm -f "standin-verify-moto-$id" >/dev/null

  say "verify moto as an S3 server on 9000 with a MinIO command"
  run_detached "standin-verify-s3-$id" -p 127.0.0.1::9000 -e MOTO_PORT=9000 "$repo/moto:5" \
    server /data --console-address :9001
  port="$(host_port "standin-verify-s3-$id" 9000)"
  wait_for 60 http_get "http://127.0.0.1:$port/minio/health/ready" || fail "moto on 9000 did not answer"
  aws_ s3 mb s3://standin >/dev/null || fail "s3 on 9000"
  aws_ s3 ls >/dev/null || fail "s3 on 9000"
  t0=$(now)
  docker stop -t 20 "standin-verify-s3-$id" >/dev/null
  say "  moto stops in $(elapsed "$t0") s on SIGTERM"
}

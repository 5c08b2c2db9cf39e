# shellcheck shell=bash
# Starts devenv-standin/mongo:7 with the mongodb template's command and talks to it with the
# image's own mongosh, as the template's healthcheck and the mongodb seed do.
verify() {
  say "verify mongo (FerretDB)"
  local c="standin-verify-mongo-$id" out
  t0=$(now)
  run_detached "$c" "$repo/mongo:7" mongod --replSet rs0 --bind_ip_all
  msh() { docker exec "$c" mongosh --quiet --norc --eval "$1"; }
  wait_for 60 msh 'quit(db.hello().isWritablePrimary ? 0 : 1)' || fail "mongo did not answer"
  say "  mongo answers after $(elapsed "$t0") s"
  out="$(msh 'const q = db.getSiblingDB("v"); q.c.createIndex({a: 1, b: -1}, {name: "ab", unique: true});
    q.c.insertOne({a: 1, b: 2}); let dup = 0; try { q.c.insertOne({a: 1, b: 2}) } catch (e) { dup = e.code }
    let rsErr = 0; try { rs.status() } catch (e) { rsErr = e.code }
    print([db.hello().setName, JSON.stringify(q.c.getIndexes()[1].key), dup, rsErr].join(" "))')" || fail "mongosh"
  [ "$out" = 'rs0 {"a":1,"b":-1} 11000 59' ] || fail "mongo answered: $out"
  [ -n "$(docker exec "$c" sh -c 'ls /data/db/*.sqlite')" ] || fail "no data in /data/db"
  t0=$(now)
  docker stop -t 20 "$c" >/dev/null
  say "  mongo stops in $(elapsed "$t0") s on SIGTERM"
}

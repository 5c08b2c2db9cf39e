# shellcheck shell=bash disable=SC2034,SC2016
# PostgreSQL 17 (+ PostGIS), Redis 8 and moto 5 from Debian trixie packages, in one root
# filesystem imported as three tags that differ only in entrypoint, environment, ports and
# volumes ("$1" in a hook is the chroot, expanded by mmdebstrap's shell).
packages=(
  postgresql-17 postgresql-17-postgis-3 postgresql-client-17
  redis-server
  # moto's server needs flask-cors (exits without it) and joserfc (Cognito's RS256 tokens and
  # JWKS); yaml, multipart, jsonpath-ng and pyparsing serve other moto features (S3 POST
  # uploads, EventBridge/Step Functions paths, IoT).
  python3-moto python3-flask-cors python3-joserfc python3-yaml python3-multipart
  python3-jsonpath-ng python3-pyparsing
  ca-certificates xz-utils
)
# Also left out (about 280 MB): LLVM, which only PostgreSQL's optional JIT uses (the server runs
# without JIT when it is absent).
dpkg_opts+=(
  'path-exclude=/usr/lib/x86_64-linux-gnu/libLLVM*' 'path-exclude=/usr/lib/x86_64-linux-gnu/libz3.so*'
  'path-exclude=/usr/lib/postgresql/17/lib/llvmjit*' 'path-exclude=/usr/lib/postgresql/17/lib/bitcode/*'
)
hooks=(
  # copy-in is no shell command: its paths are expanded here (no spaces in them).
  "copy-in $RECIPE/postgres-entrypoint $RECIPE/redis-entrypoint $RECIPE/moto-entrypoint /usr/local/bin"
  "copy-in $RECIPE/redis-standin.conf /etc/redis"
  'chmod 755 "$1"/usr/local/bin/*-entrypoint && chmod 644 "$1"/etc/redis/redis-standin.conf'
  # No Debian cluster: the entrypoint makes one in PGDATA. listen_addresses='*' in the sample
  # configuration, as the official image does, so every new cluster listens on all addresses.
  'rm -rf "$1"/etc/postgresql/17/main "$1"/var/lib/postgresql/17 &&
   sed -ri "s/^#?(listen_addresses)\s*=\s*\S+.*/\1 = \x27*\x27/" "$1"/usr/share/postgresql/17/postgresql.conf.sample &&
   mkdir -p "$1"/docker-entrypoint-initdb.d "$1"/var/lib/postgresql/data "$1"/data &&
   chroot "$1" chown postgres: /var/lib/postgresql/data && chroot "$1" chown redis: /data'
)

images() {
  local pg_bin=/usr/lib/postgresql/17/bin
  # Engine 20.10 accepts no STOPSIGNAL in `docker import -c`.
  image postgres:17 \
    'ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]' 'CMD ["postgres"]' \
    "ENV PATH=$pg_bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    'ENV PG_MAJOR=17' 'ENV PGDATA=/var/lib/postgresql/data' 'ENV LANG=C.UTF-8' \
    'EXPOSE 5432' 'VOLUME /var/lib/postgresql/data'
  image redis:8 \
    'ENTRYPOINT ["/usr/local/bin/redis-entrypoint"]' 'CMD ["redis-server"]' \
    'EXPOSE 6379' 'VOLUME /data' 'WORKDIR /data'
  image moto:5 \
    'ENTRYPOINT ["/usr/local/bin/moto-entrypoint"]' 'ENV PYTHONUNBUFFERED=1' 'EXPOSE 5000'
}

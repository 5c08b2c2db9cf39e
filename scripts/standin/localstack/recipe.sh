# shellcheck shell=bash disable=SC2034,SC2016
# LocalStack 4.14.0 (community) from PyPI's localstack-core 4.14.0 with its runtime extra, on
# Debian trixie's Python 3.13, laid out as LocalStack's own Dockerfile lays it out: a venv at
# /opt/code/localstack/.venv, localstack-supervisor in it, /var/lib/localstack,
# /etc/localstack/init/{boot,start,ready,shutdown}.d, and an entrypoint that follows
# bin/docker-entrypoint.sh (see docs/standin-images.md). "$1" in a hook is the chroot.
packages=(
  python3 python3-venv
  # From the runtime packages of LocalStack's Dockerfile: curl (the template's healthcheck),
  # certificates, openssl, procps/iproute2 (ps, ss), archivers.
  ca-certificates curl openssl procps iproute2 tar zip unzip xz-utils libatomic1
)
venv=/opt/code/localstack/.venv
# Pure-Python packages PyPI has only as source: built into wheels on the host.
sdist_only=(airspeed-ext crontab jsonpath-rw)

prepare() {
  local wheels="$ARTIFACTS/wheels" re i pids=()
  mkdir -p "$wheels"
  re="^($(IFS='|'; echo "${sdist_only[*]}"))=="
  grep -E '^[A-Za-z]' "$RECIPE/constraints.txt" | grep -vE "$re" >"$ARTIFACTS/binary-pins.txt"
  grep -E "$re" "$RECIPE/constraints.txt" >"$ARTIFACTS/sdist-pins.txt"
  # Wheels for the image's interpreter (CPython 3.13, glibc x86_64), not the host's, with the
  # machine's own pip configuration (index, proxy, certificates); four pip runs at once (the
  # download is latency-bound: 30 s instead of 44 s here).
  split -n r/4 "$ARTIFACTS/binary-pins.txt" "$ARTIFACTS/pins."
  for i in "$ARTIFACTS"/pins.*; do
    pip download --quiet --no-deps --only-binary=:all: --dest "$wheels" \
      --python-version 3.13 --implementation cp --abi cp313 \
      --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
      --platform manylinux2014_x86_64 --platform manylinux_2_12_x86_64 \
      --platform manylinux2010_x86_64 --platform manylinux_2_5_x86_64 \
      --platform manylinux1_x86_64 --platform linux_x86_64 --platform any \
      -r "$i" &
    pids+=($!)
  done
  pip wheel --quiet --no-deps --wheel-dir "$wheels" -r "$ARTIFACTS/sdist-pins.txt"
  for i in "${pids[@]}"; do wait "$i"; done
}

hooks=(
  "copy-in $RECIPE/localstack-entrypoint /usr/local/bin"
  "copy-in $RECIPE/constraints.txt /tmp"
  'mkdir -p "$1"/tmp/wheels && cp "$ARTIFACTS"/wheels/*.whl "$1"/tmp/wheels/'
  # The venv, installed offline from the wheels: pip resolves localstack-core[runtime] against
  # them, so a missing dependency fails the build here. Byte-compiled on every core afterwards
  # (pip compiles on one). A second, serial pass compiles what the first left (the chroot may
  # lack /dev/shm for worker processes) and, like pip, ignores files that do not compile.
  # Without .pyc files every new container would compile at start.
  # env -i: none of the host's PIP_* settings (find-links, index) reach the offline install.
  "chroot \"\$1\" python3 -m venv $venv &&
   chroot \"\$1\" env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 $venv/bin/pip install --quiet --no-cache-dir --disable-pip-version-check \
     --no-compile --no-index --find-links /tmp/wheels -c /tmp/constraints.txt 'localstack-core[runtime]==4.14.0' setuptools &&
   { chroot \"\$1\" $venv/bin/python -m compileall -q -j 0 $venv/lib/python3.13/site-packages >/dev/null 2>&1 ||
     chroot \"\$1\" $venv/bin/python -m compileall -q $venv/lib/python3.13/site-packages >/dev/null 2>&1 || :; } &&
   rm -rf \"\$1\"/tmp/wheels \"\$1\"/tmp/constraints.txt"
  # As the Dockerfile: the user, the folders (world-writable as upstream), the community marker,
  # the init hook folders; then the service catalog cache and the python-packages .pth links.
  'chroot "$1" useradd -ms /bin/bash localstack &&
   chmod 755 "$1"/usr/local/bin/localstack-entrypoint &&
   mkdir -p "$1"/var/lib/localstack "$1"/usr/lib/localstack "$1"/tmp/localstack "$1"/.npm &&
   chmod -R 777 "$1"/var/lib/localstack "$1"/tmp/localstack "$1"/.npm "$1"/usr/lib/localstack &&
   chmod 777 "$1"/opt/code/localstack && touch "$1"/tmp/localstack/.marker "$1"/usr/lib/localstack/.community-version &&
   mkdir -p "$1"/etc/localstack/init/boot.d "$1"/etc/localstack/init/start.d "$1"/etc/localstack/init/ready.d "$1"/etc/localstack/init/shutdown.d'
  # OVERRIDE_IN_DOCKER: the chroot is no container, the cache belongs in /usr/lib/localstack.
  "chroot \"\$1\" env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 OVERRIDE_IN_DOCKER=1 $venv/bin/python -m localstack.aws.spec >/dev/null &&
   echo /var/lib/localstack/lib/python-packages/lib/python3.13/site-packages >\"\$1\"$venv/lib/python3.13/site-packages/localstack-var-python-packages-venv.pth &&
   echo /usr/lib/localstack/python-packages/lib/python3.13/site-packages >\"\$1\"$venv/lib/python3.13/site-packages/localstack-static-python-packages-venv.pth &&
   chmod -R a+rwX \"\$1\"/usr/lib/localstack"
)

images() {
  # Upstream's ENV (USER, PYTHONUNBUFFERED, LANG) plus the stand-in's offline defaults, which a
  # Compose file can still override: no TLS certificate download, no analytics events, no DNS
  # server (it looks up localstack.cloud upstream at start, 6.5 s here without a network).
  image localstack:4.14 \
    'ENTRYPOINT ["/usr/local/bin/localstack-entrypoint"]' \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV USER=localstack' 'ENV PYTHONUNBUFFERED=1' 'ENV LANG=C.UTF-8' \
    'ENV SKIP_SSL_CERT_DOWNLOAD=1' 'ENV DISABLE_EVENTS=1' 'ENV DNS_ADDRESS=0' \
    'ENV LOCALSTACK_BUILD_VERSION=4.14.0' \
    'WORKDIR /opt/code/localstack' 'EXPOSE 4566 4510-4559 5678' 'VOLUME /var/lib/localstack'
}

# shellcheck shell=bash disable=SC2034,SC2016
# devenv-standin/prometheus:2.53: Prometheus 2.53.3 and promtool from Debian trixie's
# `prometheus` package, laid out and started like the prom/prometheus image: ENTRYPOINT
# /bin/prometheus with upstream's default arguments, /prometheus as working directory and
# volume, user nobody, a default /etc/prometheus/prometheus.yml scraping Prometheus itself.
# wget is in the image for the template's healthcheck (upstream's busybox has one).
packages=(prometheus wget)

hooks=(
  'cp "$RECIPE"/prometheus.yml "$1"/etc/prometheus/prometheus.yml &&
   chmod 644 "$1"/etc/prometheus/prometheus.yml &&
   mkdir -p "$1"/prometheus &&
   chroot "$1" chown -R nobody:nogroup /etc/prometheus /prometheus && chmod g+w "$1"/prometheus'
)

images() {
  image prometheus:2.53 \
    'ENTRYPOINT ["/bin/prometheus"]' \
    'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]' \
    'USER nobody' 'WORKDIR /prometheus' 'EXPOSE 9090' 'VOLUME /prometheus'
}

# shellcheck shell=bash disable=SC2034,SC2016
# The JVM services of the events profile: Apache Kafka 4.1.0 (KRaft, broker and controller in one
# node) and Kafka Connect 4.3.0 with Debezium 3.6.1.Final's PostgreSQL connector, on Debian
# trixie's OpenJDK 21. One root filesystem (the JRE is most of it) imported as two tags that differ
# only in user, entrypoint, environment, ports and volumes. The jars come from Maven Central through
# the machine's own `mvn` in prepare(); the launch scripts are this recipe's own (Kafka's binary
# distribution, which holds bin/ and config/, is not on Maven Central).
kafka_version=4.1.0      # the kafka template's default tag
connect_version=4.3.0    # the Kafka that Debezium 3.6's own images run (debezium/container-images kafka/3.6)
debezium_version=3.6.1.Final
packages=(openjdk-21-jre-headless bash curl ca-certificates)
# Manual pages stay: the JRE's postinst registers java.1.gz and friends with update-alternatives,
# which fails when /usr/share/man/man1 is missing.
dpkg_opts=('path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright'
  'path-exclude=/usr/share/info/*' 'path-exclude=/usr/share/locale/*')

# deps_pom GROUP:ARTIFACT:VERSION...: a throw-away POM that depends on the given artifacts.
deps_pom() {
  local a g n v
  echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
  echo '<groupId>devenv.standin</groupId><artifactId>jars</artifactId><version>1</version><packaging>pom</packaging><dependencies>'
  for a in "$@"; do
    IFS=: read -r g n v <<<"$a"
    echo "<dependency><groupId>$g</groupId><artifactId>$n</artifactId><version>$v</version></dependency>"
  done
  echo '</dependencies></project>'
}

prepare() {
  local mvn=(mvn -q -B --no-transfer-progress)
  command -v mvn >/dev/null || die "mvn missing: run scripts/install-deps.sh"
  # Kafka's log4j2 backend for slf4j 1.7 (what Kafka's own distribution ships in libs/).
  local log4j=org.apache.logging.log4j:log4j-slf4j-impl:2.24.3
  # log4j2 reads the YAML configurations through Jackson (Kafka's distribution ships it in libs/;
  # kafka_2.13 depends on it, connect-runtime does not). The version of connect-runtime's Jackson.
  local yaml=com.fasterxml.jackson.dataformat:jackson-dataformat-yaml:2.21.2
  mkdir -p "$ARTIFACTS/kafka" "$ARTIFACTS/connect"
  deps_pom "org.apache.kafka:kafka_2.13:$kafka_version" "org.apache.kafka:kafka-tools:$kafka_version" \
    "org.apache.kafka:kafka-storage:$kafka_version" "$log4j" >"$ARTIFACTS/kafka/pom.xml"
  "${mvn[@]}" -f "$ARTIFACTS/kafka/pom.xml" dependency:copy-dependencies -DoutputDirectory="$ARTIFACTS/kafka/libs"
  deps_pom "org.apache.kafka:connect-runtime:$connect_version" "org.apache.kafka:connect-json:$connect_version" \
    "org.apache.kafka:connect-transforms:$connect_version" "org.apache.kafka:kafka-tools:$connect_version" \
    "$log4j" "$yaml" >"$ARTIFACTS/connect/pom.xml"
  "${mvn[@]}" -f "$ARTIFACTS/connect/pom.xml" dependency:copy-dependencies -DoutputDirectory="$ARTIFACTS/connect/libs"
  # The plugin archive Debezium's images unpack into $KAFKA_HOME/connect.
  "${mvn[@]}" dependency:copy -Dartifact="io.debezium:debezium-connector-postgres:$debezium_version:tar.gz:plugin" \
    -DoutputDirectory="$ARTIFACTS/connect"
  # reload4j/log4j 1 bindings would compete with log4j2 for slf4j.
  rm -f "$ARTIFACTS"/*/libs/slf4j-reload4j-*.jar "$ARTIFACTS"/*/libs/reload4j-*.jar
}

hooks=(
  # Kafka as the apache/kafka image lays it out: /opt/kafka/{bin,libs,config}, defaults in
  # /etc/kafka/docker, data in /var/lib/kafka/data, user appuser (uid 1000).
  'set -e; r="$1"; mkdir -p "$r"/opt/kafka/bin "$r"/opt/kafka/config "$r"/etc/kafka/docker "$r"/etc/kafka/secrets \
     "$r"/var/lib/kafka/data "$r"/mnt/shared/config "$r"/usr/logs
   cp -r "$ARTIFACTS"/kafka/libs "$r"/opt/kafka/libs
   install -m 755 "$RECIPE"/bin/* "$r"/opt/kafka/bin/
   install -m 755 "$RECIPE"/kafka-run "$r"/etc/kafka/docker/run
   install -m 644 "$RECIPE"/server.properties "$RECIPE"/log4j2.yaml "$RECIPE"/tools-log4j2.yaml "$r"/etc/kafka/docker/
   cp "$r"/etc/kafka/docker/*.yaml "$r"/opt/kafka/config/
   chroot "$r" useradd -u 1000 -m -d /home/appuser -s /bin/bash appuser
   chroot "$r" chown -R appuser:appuser /usr/logs /opt/kafka /mnt/shared/config
   chroot "$r" chown -R appuser:root /var/lib/kafka /etc/kafka/secrets /etc/kafka
   chmod -R ug+w "$r"/etc/kafka "$r"/var/lib/kafka'
  # Kafka Connect as debezium/connect lays it out: KAFKA_HOME=/kafka with bin, libs, config.orig
  # (copied into config at start), connect/ (plugins), data, logs; user kafka (uid 1001).
  'set -e; r="$1"; k="$r"/kafka
   chroot "$r" groupadd -r kafka -g 1001
   chroot "$r" useradd -u 1001 -r -g kafka -m -d /kafka -s /sbin/nologin -c "Kafka user" kafka
   mkdir -p "$k"/bin "$k"/config "$k"/config.orig "$k"/connect "$k"/external_libs "$k"/data "$k"/logs
   cp -r "$ARTIFACTS"/connect/libs "$k"/libs
   install -m 755 "$RECIPE"/bin/* "$k"/bin/
   tar -xzf "$ARTIFACTS"/connect/debezium-connector-postgres-*-plugin.tar.gz -C "$k"/connect
   install -m 644 "$RECIPE"/connect-distributed.properties "$RECIPE"/connect-log4j2.yaml "$RECIPE"/tools-log4j2.yaml "$k"/config.orig/
   install -m 755 "$RECIPE"/connect-entrypoint "$r"/docker-entrypoint.sh
   chroot "$r" chown -R kafka:kafka /kafka
   chmod -R g+w,o+w "$k"'
)

images() {
  local path='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  image kafka:4 \
    'CMD ["/etc/kafka/docker/run"]' 'USER appuser' "$path" 'EXPOSE 9092' \
    "ENV KAFKA_VERSION=$kafka_version" \
    'VOLUME ["/etc/kafka/secrets", "/var/lib/kafka/data", "/mnt/shared/config"]'
  image debezium-connect:3.6 \
    'ENTRYPOINT ["/docker-entrypoint.sh"]' 'CMD ["start"]' 'USER kafka' "$path" 'WORKDIR /kafka' \
    'ENV KAFKA_HOME=/kafka' 'ENV KAFKA_DATA=/kafka/data' 'ENV KAFKA_CONNECT_PLUGINS_DIR=/kafka/connect' \
    'ENV EXTERNAL_LIBS_DIR=/kafka/external_libs' 'ENV CONNECT_PLUGIN_PATH=/kafka/connect' \
    "ENV KAFKA_VERSION=$connect_version" "ENV DEBEZIUM_VERSION=$debezium_version" \
    'EXPOSE 8083' 'VOLUME ["/kafka/data", "/kafka/logs", "/kafka/config"]'
}

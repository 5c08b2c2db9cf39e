#!/bin/bash
# kafka-run-class.sh CLASS ARGS...: runs CLASS on this installation's libs/ with the variables
# Kafka's own launcher reads (KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_GC_LOG_OPTS,
# KAFKA_JMX_OPTS, JMX_PORT, KAFKA_LOG4J_OPTS, KAFKA_OPTS, LOG_DIR, CLASSPATH). The stand-in's own
# script: Kafka's binary distribution is not on Maven Central, its jars are.
set -e
[ $# -ge 1 ] || { echo "USAGE: $0 [-daemon] [-name servicename] [-loggc] classname [opts]" >&2; exit 1; }
base="$(cd "$(dirname "$0")/.." && pwd)"
daemon=0
while [ $# -gt 0 ]; do
  case "$1" in
    -name) shift; shift ;;       # the daemon's name: no daemon mode here, the container is one
    -loggc) shift ;;
    -daemon) daemon=1; shift ;;
    *) break ;;
  esac
done
cp="$base/libs/*"
[ -z "${CLASSPATH:-}" ] || cp="$CLASSPATH:$cp"
: "${LOG_DIR:=$base/logs}"
mkdir -p "$LOG_DIR" 2>/dev/null || true
if [ -z "${KAFKA_JMX_OPTS:-}" ]; then
  KAFKA_JMX_OPTS="-Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false"
fi
[ -z "${JMX_PORT:-}" ] || KAFKA_JMX_OPTS="$KAFKA_JMX_OPTS -Dcom.sun.management.jmxremote.port=$JMX_PORT"
: "${KAFKA_LOG4J_OPTS:=-Dlog4j2.configurationFile=$base/config/tools-log4j2.yaml}"
: "${KAFKA_HEAP_OPTS:=-Xmx256M}"
: "${KAFKA_JVM_PERFORMANCE_OPTS:=-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"
# shellcheck disable=SC2086 # the *_OPTS are word lists, as in Kafka's own launcher
set -- java $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS ${KAFKA_GC_LOG_OPTS:-} $KAFKA_JMX_OPTS \
  -Dkafka.logs.dir="$LOG_DIR" $KAFKA_LOG4J_OPTS -cp "$cp" ${KAFKA_OPTS:-} "$@"
if [ "$daemon" = 1 ]; then
  nohup "$@" >"$LOG_DIR/daemon.out" 2>&1 </dev/null &
else
  exec "$@"
fi

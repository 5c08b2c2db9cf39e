#!/bin/bash
if [ $# -lt 1 ]; then echo "USAGE: $0 [-daemon] server.properties [--override property=value]*" >&2; exit 1; fi
base="$(cd "$(dirname "$0")/.." && pwd)"
: "${KAFKA_LOG4J_OPTS:=-Dlog4j2.configurationFile=$base/config/log4j2.yaml}"; export KAFKA_LOG4J_OPTS
: "${KAFKA_HEAP_OPTS:=-Xmx1G -Xms1G}"; export KAFKA_HEAP_OPTS
exec "$(dirname "$0")/kafka-run-class.sh" kafka.Kafka "$@"

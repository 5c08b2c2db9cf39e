#!/bin/bash
if [ $# -lt 1 ]; then echo "USAGE: $0 [-daemon] connect-distributed.properties" >&2; exit 1; fi
base="$(cd "$(dirname "$0")/.." && pwd)"
: "${KAFKA_LOG4J_OPTS:=-Dlog4j2.configurationFile=$base/config/connect-log4j2.yaml}"; export KAFKA_LOG4J_OPTS
: "${KAFKA_HEAP_OPTS:=-Xms256M -Xmx2G}"; export KAFKA_HEAP_OPTS
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.connect.cli.ConnectDistributed "$@"

#!/bin/sh
# Launcher of the kafka-binlog image: maps a process name to its module and main class.
#
#   kafka-binlog-entrypoint.sh <process> [args...]
#
# Processes: pump, ordering-stream, mysql-sink, kafka-sink, binlogctl, schema-registry, tidb-sim.
# JVM options come from the environment variable JAVA_OPTS (split on whitespace). Secrets are
# never passed here: the components read them from files (/run/secrets/...) or the environment.
# Any other first argument is executed as a command (e.g. "sh" for debugging).
set -eu

home="${KAFKA_BINLOG_HOME:-/opt/kafka-binlog}"

usage() {
  cat <<USAGE
usage: $0 <process> [args...]
processes:
  pump              io.kafkabinlog.pump.PumpMain                        (pump-ingest)
  ordering-stream   io.kafkabinlog.ordering.OrderingStreamMain          (ordering-stream)
  mysql-sink        io.kafkabinlog.mysqlsink.MysqlSinkMain              (mysql-sink)
  kafka-sink        io.kafkabinlog.kafkasink.KafkaSinkMain              (kafka-sink)
  binlogctl         io.kafkabinlog.binlogctl.BinlogctlMain              (binlogctl)
  schema-registry   io.kafkabinlog.schemas.registry.SchemaRegistryMain  (schemas)
  tidb-sim          io.kafkabinlog.tidbsim.TidbSimMain                  (tidb-sim)
environment:
  JAVA_OPTS         extra JVM options, e.g. "-Xmx1g"
USAGE
}

if [ "$#" -eq 0 ]; then
  usage >&2
  exit 2
fi

process="$1"
case "$process" in
  pump)            module=pump-ingest;     main=io.kafkabinlog.pump.PumpMain ;;
  ordering-stream) module=ordering-stream; main=io.kafkabinlog.ordering.OrderingStreamMain ;;
  mysql-sink)      module=mysql-sink;      main=io.kafkabinlog.mysqlsink.MysqlSinkMain ;;
  kafka-sink)      module=kafka-sink;      main=io.kafkabinlog.kafkasink.KafkaSinkMain ;;
  binlogctl)       module=binlogctl;       main=io.kafkabinlog.binlogctl.BinlogctlMain ;;
  schema-registry) module=schemas;         main=io.kafkabinlog.schemas.registry.SchemaRegistryMain ;;
  tidb-sim)        module=tidb-sim;        main=io.kafkabinlog.tidbsim.TidbSimMain ;;
  help|-h|--help)
    usage
    exit 0
    ;;
  *)
    exec "$@"
    ;;
esac
shift

dir="$home/$module"
if [ ! -f "$dir/$module.jar" ]; then
  echo "$0: $dir/$module.jar not found (was the image built from compose/Dockerfile?)" >&2
  exit 1
fi

# JAVA_OPTS is split on whitespace on purpose: it holds several options.
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -cp "$dir/$module.jar:$dir/lib/*" "$main" "$@"

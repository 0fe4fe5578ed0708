#!/usr/bin/env bash
# Local services for development, tests, demo and benchmarks: a Kafka broker (KRaft, from Maven
# Central jars), etcd and MariaDB (Debian packages), and our Confluent-API schema registry (module
# schemas, built with mvn, persisted to a compacted Kafka topic). No Docker; everything listens on 127.0.0.1
# only and all state (data, logs, pid files, broker jars) lives under one git-ignored folder,
# <repo>/.local (override: BINLOG_STATE_DIR).
#
#   scripts/services.sh start   [SERVICE...]   install what is missing, start, wait until healthy
#   scripts/services.sh stop    [SERVICE...]   stop what this script started (by pid file only)
#   scripts/services.sh status  [SERVICE...]   one line per service; exit 0 only if all healthy, else 3
#   scripts/services.sh install [SERVICE...]   only install packages / fetch the broker jars
#   scripts/services.sh env                    export lines for the endpoints (the Java fixtures read them)
#
# SERVICE: kafka, etcd, mariadb, registry (default: all, started in that order, stopped in
#   reverse; registry needs kafka, which holds its schemas).
# Ports (env): BINLOG_KAFKA_PORT=9092 BINLOG_KAFKA_CONTROLLER_PORT=9093 BINLOG_ETCD_PORT=2379
#   BINLOG_ETCD_PEER_PORT=2380 BINLOG_ETCD_METRICS_PORT=2381 BINLOG_MARIADB_PORT=3307
#   BINLOG_REGISTRY_PORT=8081
# Other env: BINLOG_KAFKA_HEAP_OPTS (default "-Xms512m -Xmx1g"), BINLOG_REGISTRY_TOPIC (the
#   registry's compacted schemas topic, default _binlog_schemas; empty: keep schemas in memory).
# Exit codes: 0 ok, 1 a start/stop/install failed, 2 usage error, 3 status: something not healthy.
#
# Adding a service (e.g. `registry`): register it with `register_service` below and define
#   install_<name>   make sure binaries/jars are present (may call ensure_apt_packages, ...)
#   start_<name>     prepare config/data and launch ONE long-running process with spawn_detached
#                    (sets SPAWNED_PID); on a preparation error set FAIL_REASON/FAIL_LOG, return 1
#   health_<name>    cheap check that it answers (used by status and "already running")
#   env_<name>       print its `export NAME=value` lines
# and optionally ready_<name> (start-time readiness, default health_<name>) and
# post_start_<name> (one-off setup once ready). The generic driver does pid files, port
# conflicts, waiting, failure reports, stop and status.

set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
BINLOG_LOG_PREFIX="services.sh"

STATE_DIR="$BINLOG_STATE_DIR"

# How to run this script again, for hints in messages.
if [[ "$PWD" == "$BINLOG_REPO_ROOT" ]]; then
  SELF_CMD="./scripts/services.sh"
else
  SELF_CMD="$BINLOG_REPO_ROOT/scripts/services.sh"
fi

# ---------------------------------------------------------------------------------------------
# Service table

SERVICES=()
declare -A SVC_PIDFILE=() SVC_LOG=() SVC_TIMEOUT=() SVC_PORT_VARS=() SVC_MARKER=()

# register_service NAME LOG_FILE START_TIMEOUT_S CMDLINE_MARKER PORT_VAR...
#   The pid file is <state>/NAME/NAME.pid. CMDLINE_MARKER is a string that only the command line
#   of OUR process contains (e.g. its data dir): a recorded pid that was reused by some other
#   process is then never mistaken for ours. PORT_VARs name the env vars holding its ports; the
#   first one is the endpoint shown by status.
register_service() {
  local name="$1" log="$2" timeout="$3" marker="$4"
  shift 4
  SERVICES+=("$name")
  SVC_PIDFILE[$name]="$STATE_DIR/$name/$name.pid"
  SVC_LOG[$name]="$log"
  SVC_TIMEOUT[$name]="$timeout"
  SVC_MARKER[$name]="$marker"
  SVC_PORT_VARS[$name]="$*"
}

svc_main_port() {
  local vars
  read -r -a vars <<<"${SVC_PORT_VARS[$1]}"
  printf '%s\n' "${!vars[0]}"
}

svc_endpoint() { printf '127.0.0.1:%s\n' "$(svc_main_port "$1")"; }

# ---------------------------------------------------------------------------------------------
# kafka: one KRaft node acting as broker and controller

KAFKA_VERSION="4.3.1"
KAFKA_DIR="$STATE_DIR/kafka"
KAFKA_LIB="$KAFKA_DIR/lib"
KAFKA_POM="$BINLOG_REPO_ROOT/scripts/kafka-broker/pom.xml"
KAFKA_SERVER_PROPS="$KAFKA_DIR/config/server.properties"
register_service kafka "$KAFKA_DIR/broker.log" 60 "$KAFKA_SERVER_PROPS" \
  BINLOG_KAFKA_PORT BINLOG_KAFKA_CONTROLLER_PORT

install_kafka() {
  ensure_java
  # The marker holds the version and a hash of the pom, so changing either refetches.
  local marker="$KAFKA_LIB/.complete" want tmp="$KAFKA_DIR/lib.tmp" fetch_log="$KAFKA_DIR/fetch.log"
  want="kafka=$KAFKA_VERSION pom=$(sha256sum <"$KAFKA_POM" | cut -c1-16)"
  if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
    return 0
  fi
  ensure_maven
  mkdir -p "$KAFKA_DIR"
  log_info "fetching the Kafka $KAFKA_VERSION broker jars into $KAFKA_LIB (mvn, ~5 s)"
  rm -rf "$tmp"
  # Into a temp dir first: an interrupted fetch never looks complete.
  if ! mvn -q -B -f "$KAFKA_POM" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$tmp" >"$fetch_log" 2>&1; then
    printf '%s: kafka: fetching the broker jars failed; log: %s\n' "$BINLOG_LOG_PREFIX" "$fetch_log" >&2
    tail -n 20 "$fetch_log" | cut -c1-400 | sed 's/^/    /' >&2
    exit 1
  fi
  printf '%s\n' "$want" >"$tmp/.complete"
  rm -rf "$KAFKA_LIB"
  mv "$tmp" "$KAFKA_LIB"
}

write_kafka_config() {
  mkdir -p "$KAFKA_DIR/config" "$KAFKA_DIR/data"
  # Rewritten on every start so port overrides take effect. Static voters: 4.x refuses
  # `format --standalone` together with controller.quorum.voters, so we format without it.
  # auto.create.topics.enable keeps Kafka's default (true).
  cat >"$KAFKA_SERVER_PROPS" <<EOF
# Generated by scripts/services.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$BINLOG_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$BINLOG_KAFKA_PORT,CONTROLLER://127.0.0.1:$BINLOG_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$BINLOG_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=1
# single node: every internal topic must live with one replica
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  # Console appender: the process's stdout/stderr go to broker.log anyway, so JVM errors and
  # log lines end up in one file. INFO keeps the "Kafka Server started" line we wait for.
  cat >"$KAFKA_DIR/config/log4j2.properties" <<'EOF'
# Generated by scripts/services.sh on every start; edits are overwritten.
status = warn
name = binlog-local-kafka
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
}

# A Kafka cluster id is 16 random bytes in URL-safe base64 without padding (22 chars); making
# it here saves a JVM start (StorageTool random-uuid). A leading '-' would read as an option.
kafka_cluster_id() {
  local id
  while true; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" == -* ]] || break
  done
  printf '%s\n' "$id"
}

start_kafka() {
  write_kafka_config
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    local format_log="$KAFKA_DIR/format.log"
    log_info "kafka: formatting storage in $KAFKA_DIR/data"
    if ! java -Dlog4j2.configurationFile="$KAFKA_DIR/config/log4j2.properties" -cp "$KAFKA_LIB/*" \
      kafka.tools.StorageTool format -t "$(kafka_cluster_id)" -c "$KAFKA_SERVER_PROPS" \
      >"$format_log" 2>&1; then
      FAIL_REASON="kafka.tools.StorageTool format failed"
      FAIL_LOG="$format_log"
      return 1
    fi
  fi
  local heap
  read -r -a heap <<<"${BINLOG_KAFKA_HEAP_OPTS:--Xms512m -Xmx1g}"
  rotate_log "${SVC_LOG[kafka]}"
  spawn_detached "${SVC_LOG[kafka]}" java "${heap[@]}" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_DIR/config/log4j2.properties" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_SERVER_PROPS"
}

ready_kafka() {
  grep -q "Kafka Server started" "${SVC_LOG[kafka]}" 2>/dev/null && health_kafka
}

health_kafka() { tcp_open "$BINLOG_KAFKA_PORT"; }

env_kafka() { printf 'export BINLOG_KAFKA_BOOTSTRAP=127.0.0.1:%s\n' "$BINLOG_KAFKA_PORT"; }

# ---------------------------------------------------------------------------------------------
# etcd: Debian's etcd-server, single member

ETCD_DIR="$STATE_DIR/etcd"
register_service etcd "$ETCD_DIR/etcd.log" 30 "--data-dir=$ETCD_DIR/data" \
  BINLOG_ETCD_PORT BINLOG_ETCD_PEER_PORT BINLOG_ETCD_METRICS_PORT

# Commands first: a machine that has them some other way needs no apt (and no network).
install_etcd() { have_commands etcd etcdctl || ensure_apt_packages etcd-server etcd-client; }

start_etcd() {
  local client="http://127.0.0.1:$BINLOG_ETCD_PORT" peer="http://127.0.0.1:$BINLOG_ETCD_PEER_PORT"
  mkdir -p "$ETCD_DIR"
  rotate_log "${SVC_LOG[etcd]}"
  spawn_detached "${SVC_LOG[etcd]}" etcd --name=binlog-local --data-dir="$ETCD_DIR/data" \
    --listen-client-urls="$client" --advertise-client-urls="$client" \
    --listen-peer-urls="$peer" --initial-advertise-peer-urls="$peer" \
    --initial-cluster="binlog-local=$peer" \
    --listen-metrics-urls="http://127.0.0.1:$BINLOG_ETCD_METRICS_PORT"
}

health_etcd() {
  ETCDCTL_API=3 etcdctl --endpoints="127.0.0.1:$BINLOG_ETCD_PORT" --dial-timeout=2s \
    --command-timeout=3s endpoint health >/dev/null 2>&1
}

env_etcd() { printf 'export BINLOG_ETCD_ENDPOINTS=http://127.0.0.1:%s\n' "$BINLOG_ETCD_PORT"; }

# ---------------------------------------------------------------------------------------------
# mariadb: Debian's MariaDB in its own datadir, root with an empty password.
# --no-defaults everywhere: otherwise Debian's my.cnf injects its own socket/pid/datadir.

MARIADB_DIR="$STATE_DIR/mariadb"
MARIADB_DATA="$MARIADB_DIR/data"
register_service mariadb "$MARIADB_DIR/error.log" 30 "--datadir=$MARIADB_DATA" BINLOG_MARIADB_PORT
# The server writes (and on a clean shutdown deletes) its own pid file; ours (mariadb.pid) must
# be a different file so that a shutdown by hand is reported as such by status.
MARIADB_SERVER_PIDFILE="$MARIADB_DIR/mariadbd-self.pid"
MARIADB_SOCKET="$MARIADB_DIR/mysqld.sock"
# A unix socket path is limited to 107 bytes; deep CI checkouts can exceed it.
if ((${#MARIADB_SOCKET} > 100)); then
  MARIADB_SOCKET="${TMPDIR:-/tmp}/binlog-mariadb-$(printf '%s' "$MARIADB_DIR" | sha256sum | cut -c1-12).sock"
fi

install_mariadb() {
  have_commands mariadbd mariadb-install-db mariadb-admin mariadb ||
    ensure_apt_packages mariadb-server mariadb-client
}

start_mariadb() {
  mkdir -p "$MARIADB_DIR"
  # The marker lives outside the datadir and is written only after a successful init, so a
  # half-initialised datadir is redone instead of half-working.
  if [[ ! -f "$MARIADB_DIR/.initialised" ]]; then
    local init_log="$MARIADB_DIR/install-db.log"
    log_info "mariadb: initialising $MARIADB_DATA"
    rm -rf "$MARIADB_DATA"
    if ! mariadb-install-db --no-defaults --datadir="$MARIADB_DATA" --user=root \
      --auth-root-authentication-method=normal --skip-test-db >"$init_log" 2>&1; then
      FAIL_REASON="mariadb-install-db failed"
      FAIL_LOG="$init_log"
      return 1
    fi
    touch "$MARIADB_DIR/.initialised"
  fi
  spawn_detached "${SVC_LOG[mariadb]}" mariadbd --no-defaults --user=root --datadir="$MARIADB_DATA" \
    --port="$BINLOG_MARIADB_PORT" --bind-address=127.0.0.1 --socket="$MARIADB_SOCKET" \
    --pid-file="$MARIADB_SERVER_PIDFILE" --log-error="${SVC_LOG[mariadb]}" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
}

health_mariadb() {
  mariadb-admin --no-defaults --connect-timeout=2 -h127.0.0.1 -P "$BINLOG_MARIADB_PORT" -uroot \
    ping >/dev/null 2>&1
}

post_start_mariadb() {
  local out
  if ! out="$(mariadb --no-defaults -h127.0.0.1 -P "$BINLOG_MARIADB_PORT" -uroot \
    -e "CREATE DATABASE IF NOT EXISTS test" 2>&1)"; then
    FAIL_REASON="CREATE DATABASE test failed: $out"
    return 1
  fi
}

env_mariadb() {
  printf 'export BINLOG_MARIADB_HOST=127.0.0.1\n'
  printf 'export BINLOG_MARIADB_PORT=%s\n' "$BINLOG_MARIADB_PORT"
  printf 'export BINLOG_MARIADB_USER=root\n'
  printf 'export BINLOG_MARIADB_PASSWORD=\n'
}

# ---------------------------------------------------------------------------------------------
# registry: our Confluent-API schema registry (io.kafkabinlog.schemas.registry.SchemaRegistryMain)
# from this checkout's schemas module. It runs from a copy of the jar in its state dir, so a
# rebuild of schemas/target never changes the jar under a running registry.

REGISTRY_DIR="$STATE_DIR/registry"
REGISTRY_JAR="$REGISTRY_DIR/lib/schemas.jar"
REGISTRY_CLASSPATH="$REGISTRY_DIR/classpath.txt"
: "${BINLOG_REGISTRY_TOPIC=_binlog_schemas}"
register_service registry "$REGISTRY_DIR/registry.log" 60 "$REGISTRY_JAR" BINLOG_REGISTRY_PORT

# The schemas jar built by mvn (not the sources/javadoc jars); empty if there is none.
registry_built_jar() {
  local jar
  for jar in "$BINLOG_REPO_ROOT"/schemas/target/schemas-*.jar; do
    [[ -f "$jar" && "$jar" != *-sources.jar && "$jar" != *-javadoc.jar ]] && printf '%s\n' "$jar" && return 0
  done
  return 0
}

# True if the built jar and its classpath file are present and newer than every main source.
registry_build_fresh() {
  local jar
  jar="$(registry_built_jar)"
  [[ -n "$jar" && -s "$REGISTRY_CLASSPATH" ]] || return 1
  [[ -z "$(find "$BINLOG_REPO_ROOT/schemas/src/main" "$BINLOG_REPO_ROOT/schemas/pom.xml" \
    "$BINLOG_REPO_ROOT/pom.xml" -type f -newer "$jar" -print -quit 2>/dev/null)" ]] || return 1
  [[ ! "$REGISTRY_CLASSPATH" -ot "$BINLOG_REPO_ROOT/schemas/pom.xml" ]]
}

install_registry() {
  ensure_java
  registry_build_fresh && return 0
  # A running registry keeps the jar it was started with (a copy): do not run a build under a
  # build that may be running us (the integration tests call `start`). Restart to pick it up.
  local pid
  if pid="$(read_pid_file "${SVC_PIDFILE[registry]}")" && svc_owns_pid registry "$pid" &&
    health_registry; then
    return 0
  fi
  ensure_maven
  mkdir -p "$REGISTRY_DIR"
  local build_log="$REGISTRY_DIR/build.log"
  log_info "registry: building the schemas module (mvn package, ~30 s); log: $build_log"
  : >"$build_log"
  if ! build_module_classpath schemas "$REGISTRY_CLASSPATH.tmp" "$build_log"; then
    printf '%s: registry: building the schemas module failed; log: %s\n' "$BINLOG_LOG_PREFIX" "$build_log" >&2
    tail -n 20 "$build_log" | cut -c1-400 | sed 's/^/    /' >&2
    exit 1
  fi
  mv -f "$REGISTRY_CLASSPATH.tmp" "$REGISTRY_CLASSPATH"
  # the jar must look fresh even if mvn left an up-to-date jar with an old mtime
  touch "$(registry_built_jar)"
}

start_registry() {
  local jar args
  jar="$(registry_built_jar)"
  if [[ -z "$jar" || ! -s "$REGISTRY_CLASSPATH" ]]; then
    FAIL_REASON="no schemas jar or classpath file (install_registry did not build them)"
    FAIL_LOG=-
    return 1
  fi
  mkdir -p "$REGISTRY_DIR/lib"
  cp -f "$jar" "$REGISTRY_JAR"
  args=(--addr="127.0.0.1:$BINLOG_REGISTRY_PORT")
  if [[ -n "$BINLOG_REGISTRY_TOPIC" ]]; then
    if ! health_kafka; then
      FAIL_REASON="kafka is not answering on 127.0.0.1:$BINLOG_KAFKA_PORT (the registry keeps its schemas there); start it first: $SELF_CMD start kafka registry"
      FAIL_LOG=-
      return 1
    fi
    args+=(--kafka.bootstrap-servers="127.0.0.1:$BINLOG_KAFKA_PORT" --schemas-topic="$BINLOG_REGISTRY_TOPIC")
  fi
  rotate_log "${SVC_LOG[registry]}"
  spawn_detached "${SVC_LOG[registry]}" java -Xms64m -Xmx256m -Djava.awt.headless=true \
    -cp "$REGISTRY_JAR:$(cat "$REGISTRY_CLASSPATH")" \
    io.kafkabinlog.schemas.registry.SchemaRegistryMain "${args[@]}"
}

health_registry() {
  curl -sf --max-time 3 "http://127.0.0.1:$BINLOG_REGISTRY_PORT/subjects" >/dev/null 2>&1
}

env_registry() { printf 'export BINLOG_REGISTRY_URL=http://127.0.0.1:%s\n' "$BINLOG_REGISTRY_PORT"; }

# ---------------------------------------------------------------------------------------------
# Generic driver

# Keeps the previous run's log for post-mortems; the readiness check greps only the new one.
rotate_log() {
  [[ -f "$1" ]] && mv -f "$1" "$1.1"
  return 0
}

has_fn() { declare -F "$1" >/dev/null; }

svc_ready() {
  if has_fn "ready_$1"; then "ready_$1"; else "health_$1"; fi
}

# True if PID is alive (not a zombie) and its command line is the one we launched.
svc_owns_pid() {
  local svc="$1" pid="$2" cmdline
  pid_alive "$pid" || return 1
  cmdline="$(pid_cmdline "$pid")"
  # Without /proc and ps we cannot tell; trust the pid file.
  [[ -z "$cmdline" || "$cmdline" == *"${SVC_MARKER[$svc]}"* ]]
}

# fail_start SVC REASON [LOG|-] [PID]: prints the failure line and the log tail, kills the
# process this run launched (PID), and exits 1.
fail_start() {
  local svc="$1" reason="$2" log="${3:-${SVC_LOG[$1]}}" pid="${4:-}"
  if [[ "$log" == - ]]; then
    printf '%s: %s failed to start: %s\n' "$BINLOG_LOG_PREFIX" "$svc" "$reason" >&2
  else
    printf '%s: %s failed to start: %s; log: %s\n' "$BINLOG_LOG_PREFIX" "$svc" "$reason" "$log" >&2
  fi
  if [[ "$log" != - && -s "$log" ]]; then
    printf '%s: last lines of %s:\n' "$BINLOG_LOG_PREFIX" "$log" >&2
    # Kafka lines can be kilobytes long: cut them so the tail stays readable.
    tail -n 20 "$log" | cut -c1-400 | sed 's/^/    /' >&2
  fi
  if [[ -n "$pid" ]]; then
    stop_pid "$pid" 15 || log_warn "$svc: could not kill pid $pid"
    rm -f "${SVC_PIDFILE[$svc]}"
  fi
  exit 1
}

check_ports_free() {
  local svc="$1" vars var port who
  read -r -a vars <<<"${SVC_PORT_VARS[$svc]}"
  for var in "${vars[@]}"; do
    port="${!var}"
    if who="$(port_listener "$port")"; then
      fail_start "$svc" "port $port is already in use by another process ($(tr '\n' ' ' <<<"$who" | sed 's/ *$//')); stop it or set $var to a free port" -
    fi
  done
}

start_service() {
  local svc="$1" pidfile="${SVC_PIDFILE[$1]}" timeout="${SVC_TIMEOUT[$1]}" pid t0
  "install_$svc"
  mkdir -p "$(dirname "$pidfile")"

  if pid="$(read_pid_file "$pidfile")"; then
    if svc_owns_pid "$svc" "$pid"; then
      if "health_$svc"; then
        printf '%s: already running (pid %s, %s)\n' "$svc" "$pid" "$(svc_endpoint "$svc")"
        return 0
      fi
      # Ours but not answering: maybe a concurrent run is still starting it, so give it the
      # normal start time before giving up. Not killed: this run did not start it.
      log_info "$svc: pid $pid is running but not answering on $(svc_endpoint "$svc") yet; waiting up to ${timeout}s"
      if wait_until "$timeout" svc_ready "$svc"; then
        printf '%s: already running (pid %s, %s)\n' "$svc" "$pid" "$(svc_endpoint "$svc")"
        return 0
      fi
      fail_start "$svc" "pid $pid (started earlier) is running but not answering on $(svc_endpoint "$svc"); restart it with $SELF_CMD stop $svc && $SELF_CMD start $svc"
    fi
    if pid_alive "$pid"; then
      log_info "$svc: removing stale pid file $pidfile (pid $pid now belongs to another program, left alone)"
    else
      log_info "$svc: removing stale pid file $pidfile (pid $pid is gone)"
    fi
    rm -f "$pidfile"
  fi

  check_ports_free "$svc"

  t0="$(now_ms)"
  FAIL_REASON=""
  FAIL_LOG="${SVC_LOG[$svc]}"
  SPAWNED_PID=""
  if ! "start_$svc"; then
    fail_start "$svc" "${FAIL_REASON:-start_$svc failed}" "$FAIL_LOG" "$SPAWNED_PID"
  fi
  pid="$SPAWNED_PID"
  printf '%s\n' "$pid" >"$pidfile"

  if ! wait_until "$timeout" _ready_or_dead "$svc" "$pid"; then
    fail_start "$svc" "not ready within ${timeout}s" "${SVC_LOG[$svc]}" "$pid"
  fi
  if ! pid_alive "$pid"; then
    rm -f "$pidfile"
    fail_start "$svc" "the process (pid $pid) exited during start-up"
  fi
  if has_fn "post_start_$svc" && ! "post_start_$svc"; then
    fail_start "$svc" "${FAIL_REASON:-post_start_$svc failed}" "${SVC_LOG[$svc]}" "$pid"
  fi
  printf '%s: started (pid %s, %s) in %s s\n' "$svc" "$pid" "$(svc_endpoint "$svc")" "$(elapsed_s "$t0")"
}

# Ends the wait early when the process dies, instead of waiting out the timeout.
_ready_or_dead() {
  pid_alive "$2" || return 0
  svc_ready "$1"
}

stop_service() {
  local svc="$1" pidfile="${SVC_PIDFILE[$1]}" pid
  if ! pid="$(read_pid_file "$pidfile")"; then
    rm -f "$pidfile"
    printf '%s: not running\n' "$svc"
    return 0
  fi
  if ! pid_alive "$pid"; then
    rm -f "$pidfile"
    printf '%s: not running (pid %s was already gone; removed %s)\n' "$svc" "$pid" "$pidfile"
    return 0
  fi
  if ! svc_owns_pid "$svc" "$pid"; then
    # pid reused by an unrelated process (e.g. after a reboot): never signal it
    rm -f "$pidfile"
    printf '%s: not running (pid %s now belongs to another program, left alone; removed %s)\n' \
      "$svc" "$pid" "$pidfile"
    return 0
  fi
  if ! stop_pid "$pid" 30; then
    printf '%s: %s: could not stop pid %s\n' "$BINLOG_LOG_PREFIX" "$svc" "$pid" >&2
    return 1
  fi
  rm -f "$pidfile"
  printf '%s: stopped\n' "$svc"
}

# Prints one line; returns 0 only if running and healthy.
status_service() {
  local svc="$1" pidfile="${SVC_PIDFILE[$1]}" log="${SVC_LOG[$1]}" pid ep who
  ep="$(svc_endpoint "$svc")"
  if ! pid="$(read_pid_file "$pidfile")"; then
    if who="$(port_listener "$(svc_main_port "$svc")")"; then
      printf '%s: stopped (but %s is in use by another process: %s)\n' "$svc" "$ep" "$(head -n 1 <<<"$who")"
    else
      printf '%s: stopped\n' "$svc"
    fi
    return 1
  fi
  if ! pid_alive "$pid"; then
    printf '%s: NOT RUNNING: pid %s recorded in %s is gone (stopped by hand or crashed); log: %s; start it with %s start %s\n' \
      "$svc" "$pid" "$pidfile" "$log" "$SELF_CMD" "$svc"
    return 1
  fi
  if ! svc_owns_pid "$svc" "$pid"; then
    printf '%s: NOT RUNNING: pid %s recorded in %s is now another program (ours stopped by hand or crashed); log: %s; start it with %s start %s\n' \
      "$svc" "$pid" "$pidfile" "$log" "$SELF_CMD" "$svc"
    return 1
  fi
  # A failed check gets a short grace: right after `mariadb-admin shutdown` (or any stop by hand)
  # the process lingers a moment, and "gone" is the plainer, truer answer then.
  if ! "health_$svc" && ! wait_until 3 _healthy_or_dead "$svc" "$pid"; then
    printf '%s: running (pid %s) but not answering on %s; log: %s\n' "$svc" "$pid" "$ep" "$log"
    return 1
  fi
  if ! pid_alive "$pid"; then
    printf '%s: NOT RUNNING: pid %s recorded in %s is gone (stopped by hand or crashed); log: %s; start it with %s start %s\n' \
      "$svc" "$pid" "$pidfile" "$log" "$SELF_CMD" "$svc"
    return 1
  fi
  printf '%s: running (pid %s, %s)\n' "$svc" "$pid" "$ep"
}

_healthy_or_dead() {
  pid_alive "$2" || return 0
  "health_$1"
}

# Serialises start/stop/install runs (e.g. test.sh and demo.sh starting services at once).
# The children never inherit fd 9 (spawn_detached closes it), so the lock ends with this run.
take_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  [[ -d "$STATE_DIR" ]] || return 0
  exec 9>"$STATE_DIR/.services.lock"
  if ! flock -n 9; then
    log_info "waiting for another services.sh run to finish (lock $STATE_DIR/.services.lock)"
    flock -w 600 9 || die "gave up waiting for the lock $STATE_DIR/.services.lock"
  fi
}

usage() {
  cat <<EOF
usage: $SELF_CMD start|stop|status|install [SERVICE...]
       $SELF_CMD env
SERVICE: ${SERVICES[*]} (default: all)
state: $STATE_DIR
EOF
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    start | stop | status | install | env) ;;
    -h | --help | help)
      usage
      return 0
      ;;
    *)
      usage >&2
      return 2
      ;;
  esac

  # Requested services, in table order (stop walks it backwards).
  local selected=() svc arg known
  for arg in "$@"; do
    known=""
    for svc in "${SERVICES[@]}"; do [[ "$arg" == "$svc" ]] && known=1; done
    if [[ -z "$known" ]]; then
      log_info "unknown service '$arg' (known: ${SERVICES[*]})"
      return 2
    fi
  done
  for svc in "${SERVICES[@]}"; do
    if [[ $# -eq 0 ]] || [[ " $* " == *" $svc "* ]]; then selected+=("$svc"); fi
  done

  local rc=0 t0 i
  case "$cmd" in
    start)
      mkdir -p "$STATE_DIR"
      take_lock
      t0="$(now_ms)"
      for svc in "${selected[@]}"; do start_service "$svc"; done
      log_info "${selected[*]}: ready after $(elapsed_s "$t0") s (state in $STATE_DIR)"
      ;;
    install)
      mkdir -p "$STATE_DIR"
      take_lock
      for svc in "${selected[@]}"; do "install_$svc"; done
      log_info "installed: ${selected[*]}"
      ;;
    stop)
      take_lock
      for ((i = ${#selected[@]} - 1; i >= 0; i--)); do
        stop_service "${selected[i]}" || rc=1
      done
      ;;
    status)
      for svc in "${selected[@]}"; do status_service "$svc" || rc=3; done
      ;;
    env)
      for svc in "${selected[@]}"; do "env_$svc"; done
      ;;
  esac
  return "$rc"
}

main "$@"

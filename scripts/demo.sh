#!/usr/bin/env bash
# The README's main command: the TiDB-Binlog tutorial's replication, end to end, on the local
# stack. tidb-sim stands in for TiDB + PD and runs the tutorial's session (create database
# tidbtest, a table t1, five inserts); a pump stores the binlog in Kafka; the drainer (the
# ordering stream and the mysql-sink in one process) applies it to MariaDB. The demo then prints
# what the tutorial shows: the rows of tidbtest.t1, tidb_binlog.checkpoint and binlogctl's view of
# the registry, and checks MariaDB against what tidb-sim wrote.
#
#   ./scripts/demo.sh        stack up, tidb-sim PD, pump, drainer, the tutorial, the results.
#                            The processes stay up; running it again adds ids 6-10 (as a second
#                            run of the tutorial's insert would).
#   ./scripts/demo.sh stop   stops the drainer (it shows as paused, as after Ctrl-C in the
#                            tutorial), the pump, tidb-sim and the local services.
#
# State and logs: $BINLOG_STATE_DIR/demo (default .local/demo).
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
BINLOG_LOG_PREFIX="demo.sh"
cd "$BINLOG_REPO_ROOT"

DEMO_DIR="$BINLOG_STATE_DIR/demo"
PD_ADDR="127.0.0.1:${BINLOG_DEMO_PD_PORT:-2479}"
TIDB_STATUS_ADDR="127.0.0.1:${BINLOG_DEMO_TIDB_STATUS_PORT:-10080}"
PUMP_ADDR="127.0.0.1:${BINLOG_DEMO_PUMP_PORT:-8250}"
PUMP_STATUS_ADDR="127.0.0.1:${BINLOG_DEMO_PUMP_STATUS_PORT:-8251}"
DRAINER_ADDR="127.0.0.1:${BINLOG_DEMO_DRAINER_PORT:-8249}"
# A fixed cluster id, so the checkpoint row and the topics stay the same across runs.
CLUSTER_ID=6982263758893260311
# Components in start order; stop goes the other way.
PROCESSES=(tidb-sim-pd pump drainer)

pid_file() { printf '%s/%s.pid\n' "$DEMO_DIR" "$1"; }
log_file() { printf '%s/%s.log\n' "$DEMO_DIR" "$1"; }

running() {
  local pid
  pid="$(read_pid_file "$(pid_file "$1")")" && pid_alive "$pid"
}

stop_demo() {
  local i name pid
  for ((i = ${#PROCESSES[@]} - 1; i >= 0; i--)); do
    name="${PROCESSES[$i]}"
    if pid="$(read_pid_file "$(pid_file "$name")")" && pid_alive "$pid"; then
      log_info "stopping $name (pid $pid)"
      stop_pid "$pid" 60 || log_warn "$name (pid $pid) did not stop"
    fi
    rm -f "$(pid_file "$name")"
  done
  ./scripts/services.sh stop
}

# start NAME READY_REGEX TIMEOUT CMD...: starts CMD detached unless it already runs, then waits
# for READY_REGEX in its log (only in the part this start wrote).
start() {
  local name="$1" ready="$2" timeout="$3"
  shift 3
  if running "$name"; then
    log_info "$name already running (pid $(read_pid_file "$(pid_file "$name")")); log: $(log_file "$name")"
    return 0
  fi
  local log from
  log="$(log_file "$name")"
  touch "$log"
  from=$(($(wc -c <"$log") + 1))
  spawn_detached "$log" "$@"
  printf '%s\n' "$SPAWNED_PID" >"$(pid_file "$name")"
  log_info "$name starting (pid $SPAWNED_PID); log: $log"
  if ! wait_until "$timeout" _logged_since "$log" "$from" "$ready" "$SPAWNED_PID"; then
    tail -n 40 "$log" >&2 || true
    die "$name did not become ready within ${timeout}s (waiting for /$ready/ in $log)"
  fi
}

_logged_since() {
  local log="$1" from="$2" ready="$3" pid="$4"
  if ! pid_alive "$pid"; then
    tail -n 40 "$log" >&2 || true
    die "$(basename "$log" .log) exited during start; see $log"
  fi
  tail -c "+$from" "$log" | grep -Eq "$ready"
}

mariadb_query() {
  mariadb --protocol=tcp -h "$BINLOG_MARIADB_HOST" -P "$BINLOG_MARIADB_PORT" \
    -u "$BINLOG_MARIADB_USER" ${BINLOG_MARIADB_PASSWORD:+"-p$BINLOG_MARIADB_PASSWORD"} "$@"
}

downstream_matches() {
  TIDB_SIM_MYSQL__PASSWORD="$BINLOG_MARIADB_PASSWORD" bin/tidb-sim verify --data-dir="$DEMO_DIR/tidb-sim" --mysql.host="$BINLOG_MARIADB_HOST" \
    --mysql.port="$BINLOG_MARIADB_PORT" --mysql.user="$BINLOG_MARIADB_USER" \
    >"$DEMO_DIR/verify.log" 2>&1
}

if [[ "${1:-}" == "stop" ]]; then
  stop_demo
  exit 0
elif [[ $# -gt 0 ]]; then
  die "usage: $0 [stop]"
fi

ensure_java
ensure_maven

log_info "1/6 starting the local stack (Kafka, etcd, MariaDB, schema registry)"
./scripts/services.sh start
eval "$(./scripts/services.sh env)"
# The drainer and tidb-sim verify read the downstream password from the environment, never
# from a flag (tidb-sim's only for verify: its other commands refuse keys they do not know).
export DRAINER_SYNCER__TO__PASSWORD="$BINLOG_MARIADB_PASSWORD"

log_info "2/6 building tidb-sim, pump, drainer and binlogctl (tests skipped; ./scripts/test.sh runs them)"
mkdir -p "$DEMO_DIR"
mvn -q -B -ntp -DskipTests -pl tidb-sim,pump-ingest,drainer,binlogctl -am package \
  >"$DEMO_DIR/build.log" 2>&1 || die "the build failed; see $DEMO_DIR/build.log"
# The assembly stamps launchers with the reproducible-build time; bin/ wrappers rebuild when
# sources are newer than the launcher, so mark them fresh.
touch tidb-sim/target/tidb-sim/bin/tidb-sim pump-ingest/target/pump-ingest/bin/pump \
  drainer/target/drainer/bin/drainer binlogctl/target/binlogctl/bin/binlogctl

# tidb-sim's PD and its workloads share one data directory: the status API serves the DDL
# history the workloads write there.
log_info "3/6 starting tidb-sim as PD (TSO, cluster id $CLUSTER_ID) and TiDB's status API"
start tidb-sim-pd "tidb-sim tso: PD \\(TSO\\) on" 60 \
  bin/tidb-sim tso --data-dir="$DEMO_DIR/tidb-sim" --addr="$PD_ADDR" \
  --status-addr="$TIDB_STATUS_ADDR" --cluster-id="$CLUSTER_ID" \
  --pd-urls="$BINLOG_ETCD_ENDPOINTS"

log_info "4/6 starting a pump and the drainer"
start pump "pump .* online" 90 \
  bin/pump --addr="$PUMP_ADDR" --status-addr="$PUMP_STATUS_ADDR" --data-dir="$DEMO_DIR/pump" \
  --pd-urls="$BINLOG_ETCD_ENDPOINTS" --tso-urls="http://$PD_ADDR" \
  --kafka.bootstrap-servers="$BINLOG_KAFKA_BOOTSTRAP" \
  --kafka.replication-factor=1 --kafka.min-insync-replicas=1
start drainer "drainer .* online" 180 \
  bin/drainer --config=scripts/demo/drainer.toml --addr="$DRAINER_ADDR" \
  --data-dir="$DEMO_DIR/drainer" --pd-urls="$BINLOG_ETCD_ENDPOINTS" \
  --tso-urls="http://$PD_ADDR" --kafka.bootstrap-servers="$BINLOG_KAFKA_BOOTSTRAP" \
  --schema-registry.url="$BINLOG_REGISTRY_URL" \
  --schema-source.tidb-status-urls="http://$TIDB_STATUS_ADDR" \
  --resolver.txn-status-urls="http://$TIDB_STATUS_ADDR" \
  --syncer.to.host="$BINLOG_MARIADB_HOST" --syncer.to.port="$BINLOG_MARIADB_PORT" \
  --syncer.to.user="$BINLOG_MARIADB_USER"

log_info "5/6 tidb-sim runs the tutorial's session: create database tidbtest; create table t1; insert 5 rows"
bin/tidb-sim run --workload=tutorial --data-dir="$DEMO_DIR/tidb-sim" \
  --pd-urls="$BINLOG_ETCD_ENDPOINTS" --tso-urls="http://$PD_ADDR" \
  >"$DEMO_DIR/tidb-sim-run.log" 2>&1 \
  || die "tidb-sim tutorial failed; see $DEMO_DIR/tidb-sim-run.log"
grep -E "finished" "$DEMO_DIR/tidb-sim-run.log" >&2 || true

log_info "waiting until MariaDB matches what tidb-sim wrote (tidb-sim verify)"
if ! wait_until 120 downstream_matches; then
  cat "$DEMO_DIR/verify.log" >&2
  die "MariaDB does not match after 120 s; see $(log_file drainer)"
fi
# The checkpoint is written every second; let it pass the tutorial's last commit.
sleep 2

log_info "6/6 the downstream, as the tutorial shows it"
echo
echo "MariaDB [tidbtest]> select * from t1;"
mariadb_query -t -e 'select * from tidbtest.t1 order by id'
echo
echo "MariaDB [tidb_binlog]> select * from checkpoint;"
mariadb_query -t -e 'select * from tidb_binlog.checkpoint'
echo
echo "$ bin/binlogctl -pd-urls=$BINLOG_ETCD_ENDPOINTS -cmd pumps"
bin/binlogctl -pd-urls="$BINLOG_ETCD_ENDPOINTS" -cmd pumps
echo "$ bin/binlogctl -pd-urls=$BINLOG_ETCD_ENDPOINTS -cmd drainers"
bin/binlogctl -pd-urls="$BINLOG_ETCD_ENDPOINTS" -cmd drainers
echo
tail -n 1 "$DEMO_DIR/verify.log"
echo
log_info "the stack keeps running: drainer status http://$DRAINER_ADDR/status, logs in $DEMO_DIR"
log_info "run it again for five more rows (ids 6-10, ...); ./scripts/demo.sh stop ends it all"

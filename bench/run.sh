#!/usr/bin/env bash
# Entry point of every benchmark: bench/run.sh NAME [--keep-services]
#   Starts the local services if needed, builds the bench module, runs benchmark NAME, which
#   measures our figure and a baseline in the same run and ends with the line
#   "<name> ratio: <x>". Without NAME it lists the benchmarks.
# Env: BINLOG_BENCH_SECONDS (default 5) per measured phase; the BINLOG_* endpoints of
#   ./scripts/services.sh env; BENCH_JVM_OPTS, extra options of the benchmark's JVM (e.g. a JFR
#   recording); BENCH_PUMP_JVM_OPTS, of the pump process the pump benchmark starts.
# The benchmark JVM (and the pump it starts) runs at a lower CPU priority than the local services
# (see the end of this file).
set -euo pipefail

# shellcheck source=../scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
BINLOG_LOG_PREFIX="bench/run.sh"
cd "$BINLOG_REPO_ROOT"

ensure_java
ensure_maven
"$BINLOG_REPO_ROOT/scripts/services.sh" start >&2
eval "$("$BINLOG_REPO_ROOT/scripts/services.sh" env)"

# Per checkout, not in the (shared) state dir: two worktrees benchmarking at once must not run
# each other's jars.
classpath_file="$BINLOG_REPO_ROOT/bench/target/classpath.txt"
mkdir -p "$(dirname "$classpath_file")"
log_info "building the bench module"
build_module_classpath bench "$classpath_file"

# The local services stand in for other machines. On a small box the pump benchmark's client and
# pump (two busy JVMs) starved the broker of CPU for 100-500 ms at a time (its threads runnable but
# not running: /proc/<tid>/schedstat run delay), which showed as the pump's latency tail while the
# lighter raw-producer phase never saturated the CPUs. So the benchmark runs at a lower CPU priority
# than the services: with autogroup scheduling (the services each have a session of their own)
# only a session's autogroup nice counts, so the JVM gets a new session whose autogroup is niced;
# without autogroup, plain nice. Both sides of every benchmark run at that same priority.
bench_nice=10
# BENCH_JVM_OPTS is split into options on purpose.
# shellcheck disable=SC2206
bench_cmd=(java -Xmx2g ${BENCH_JVM_OPTS:-} -cp "bench/target/classes:$(cat "$classpath_file")" io.kafkabinlog.bench.BenchMain "$@")
if [[ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" == 1 ]]; then
  # Not a process group leader here, so setsid execs in place: $! is the JVM, leader of a new
  # session and process group; Ctrl-C no longer reaches it from the terminal, hence the trap.
  # shellcheck disable=SC2016
  setsid bash -c 'echo "$0" >/proc/self/autogroup 2>/dev/null || true; exec "$@"' "$bench_nice" "${bench_cmd[@]}" &
  bench_pid=$!
  trap 'kill -TERM -- -"$bench_pid" 2>/dev/null || true' INT TERM
  status=0
  wait "$bench_pid" || status=$?
  # A trapped signal interrupts wait; wait again for the JVM's own exit.
  if pid_alive "$bench_pid"; then
    wait "$bench_pid" || status=$?
  fi
  exit "$status"
fi
exec nice -n "$bench_nice" "${bench_cmd[@]}"

#!/usr/bin/env bash
# Entry point of every benchmark: bench/run.sh NAME [--keep-services]
#   Starts the local services if needed, builds the bench module, runs benchmark NAME, which
#   measures our figure and a baseline in the same run and ends with the line
#   "<name> ratio: <x>". Without NAME it lists the benchmarks.
# Env: BINLOG_BENCH_SECONDS (default 5) per measured phase; the BINLOG_* endpoints of
#   ./scripts/services.sh env; BENCH_JVM_OPTS, extra options of the benchmark's JVM (e.g. a JFR
#   recording); BENCH_PUMP_JVM_OPTS, of the pump process the pump benchmark starts.
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

exec java -Xmx2g ${BENCH_JVM_OPTS:-} -cp "bench/target/classes:$(cat "$classpath_file")" io.kafkabinlog.bench.BenchMain "$@"

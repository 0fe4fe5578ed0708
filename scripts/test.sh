#!/usr/bin/env bash
# The README's test command. On a fresh machine it installs what is missing (Maven, the Debian
# packages of the services, docker-compose for validating compose/), starts the local services
# that are not running yet, runs the whole Maven build with unit tests (*Test) and integration
# tests (*IT) against the real Kafka, etcd and MariaDB, plus the formatting and compiler checks,
# and stops again only the services it started.
#
#   ./scripts/test.sh [extra mvn arguments, e.g. -pl binlog-common -am]
#
# Env: BINLOG_KEEP_SERVICES=1 leaves the services running afterwards.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
BINLOG_LOG_PREFIX="test.sh"
cd "$BINLOG_REPO_ROOT"

SERVICES_SH="$BINLOG_REPO_ROOT/scripts/services.sh"
start_ms=$(now_ms)

ensure_java
ensure_maven
# compose/'s ComposeFileIT validates the deployment file with Debian's docker-compose 1.29.
ensure_apt_packages docker-compose

# Services already running belong to someone else (a developer's session): leave them running.
already_running=()
while IFS= read -r line; do
  [[ "$line" =~ ^([a-z0-9-]+):\ running ]] && already_running+=("${BASH_REMATCH[1]}")
done < <("$SERVICES_SH" status 2>&1 || true)

started_here=()
stop_started_services() {
  local rc=$?
  if [[ ${#started_here[@]} -gt 0 && -z "${BINLOG_KEEP_SERVICES:-}" ]]; then
    log_info "stopping the services this run started: ${started_here[*]}"
    "$SERVICES_SH" stop "${started_here[@]}" || log_warn "could not stop ${started_here[*]}"
  fi
  log_info "finished in $(elapsed_s "$start_ms") s with exit code $rc"
  exit "$rc"
}
trap stop_started_services EXIT

"$SERVICES_SH" start

while IFS= read -r line; do
  if [[ "$line" =~ ^([a-z0-9-]+):\ running ]]; then
    svc="${BASH_REMATCH[1]}"
    [[ " ${already_running[*]-} " == *" $svc "* ]] || started_here+=("$svc")
  fi
done < <("$SERVICES_SH" status 2>&1 || true)

log_info "services while the tests run:"
"$SERVICES_SH" status

# Endpoints for the Java fixtures (they default to the same values; exported for clarity).
eval "$("$SERVICES_SH" env)"

log_info "running: mvn -B verify $*"
mvn -B -ntp verify "$@"

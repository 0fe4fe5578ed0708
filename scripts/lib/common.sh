# shellcheck shell=bash
# Shared helpers for the project's bash scripts (scripts/services.sh, scripts/test.sh,
# scripts/demo.sh, bench/run.sh). Source it, do not run it:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#
# It only defines variables and functions; shell options (set -euo pipefail) are the caller's.
# Every function is safe under `set -euo pipefail`.
#
# Variables (env overrides in parentheses):
#   BINLOG_REPO_ROOT     repository root, found from this file's location (not from the cwd)
#   BINLOG_STATE_DIR     all local service state: data, logs, pids, broker jars (default <repo>/.local)
#   BINLOG_KAFKA_PORT (9092), BINLOG_KAFKA_CONTROLLER_PORT (9093),
#   BINLOG_ETCD_PORT (2379), BINLOG_ETCD_PEER_PORT (2380), BINLOG_ETCD_METRICS_PORT (2381),
#   BINLOG_MARIADB_PORT (3307: not 3306, so a system MariaDB/MySQL never collides),
#   BINLOG_REGISTRY_PORT (8081, the schema registry)
#   BINLOG_LOG_PREFIX    prefix of log messages (default: the calling script's file name)
#
# Functions:
#   log_info MSG... / log_warn MSG... / die MSG...      prefixed messages to stderr (die exits 1)
#   ensure_apt_packages PKG...   apt-get install what is missing (apt-get update once, first)
#   ensure_maven / ensure_java   install Maven via apt if missing / fail clearly without java
#   have_commands CMD...         true if every CMD is on PATH
#   tcp_open PORT [HOST]         true if HOST (127.0.0.1) accepts a TCP connection on PORT
#   port_listener PORT           prints who listens on PORT (any address); false if nobody
#   pid_alive PID                true if PID exists and is not a zombie
#   pid_cmdline PID              the process's command line, NULs turned into spaces
#   read_pid_file FILE           prints the pid in FILE (false if missing/empty/garbage)
#   spawn_detached LOG CMD...    starts CMD in its own session, detached from this shell, stdout+err
#                                to LOG; sets SPAWNED_PID. It survives the caller's exit.
#   stop_pid PID [TIMEOUT]       SIGTERM, wait up to TIMEOUT s (30), then SIGKILL
#   wait_until TIMEOUT CMD...    run CMD every 0.2 s until it succeeds (true) or TIMEOUT s pass (false)
#   now_ms / elapsed_s START_MS  wall clock in ms / seconds since START_MS as "1.23"

if [[ -n "${BINLOG_COMMON_SH_LOADED:-}" ]]; then
  return 0
fi
BINLOG_COMMON_SH_LOADED=1

# Debian keeps mariadbd, mariadb-install-db helpers and friends in /usr/sbin, which is not on
# a non-login root PATH in some CI images.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin" ;; esac
case ":$PATH:" in *:/sbin:*) ;; *) PATH="$PATH:/sbin" ;; esac
export PATH

BINLOG_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"

: "${BINLOG_STATE_DIR:=$BINLOG_REPO_ROOT/.local}"
# Relative overrides are taken from the caller's cwd, then pinned, so pid files and command
# lines always carry the same absolute path.
[[ "$BINLOG_STATE_DIR" == /* ]] || BINLOG_STATE_DIR="$PWD/$BINLOG_STATE_DIR"

: "${BINLOG_KAFKA_PORT:=9092}"
: "${BINLOG_KAFKA_CONTROLLER_PORT:=9093}"
: "${BINLOG_ETCD_PORT:=2379}"
: "${BINLOG_ETCD_PEER_PORT:=2380}"
: "${BINLOG_ETCD_METRICS_PORT:=2381}"
: "${BINLOG_MARIADB_PORT:=3307}"
: "${BINLOG_REGISTRY_PORT:=8081}"

: "${BINLOG_LOG_PREFIX:=$(basename -- "$0")}"

log_info() { printf '%s: %s\n' "$BINLOG_LOG_PREFIX" "$*" >&2; }
log_warn() { printf '%s: WARNING: %s\n' "$BINLOG_LOG_PREFIX" "$*" >&2; }
die() {
  printf '%s: %s\n' "$BINLOG_LOG_PREFIX" "$*" >&2
  exit 1
}

now_ms() {
  local ns
  ns="$(date +%s%N)"
  printf '%s\n' "$((ns / 1000000))"
}

elapsed_s() {
  local ms=$(($(now_ms) - $1))
  printf '%d.%02d\n' "$((ms / 1000))" "$(((ms % 1000) / 10))"
}

# ---------------------------------------------------------------------------------------------
# Installing things

# Runs a command as root: directly when we are root (CI), through sudo otherwise.
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run '$*' and sudo is not installed"
  fi
}

pkg_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]
}

_BINLOG_APT_UPDATED=""

# ensure_apt_packages PKG... : installs only the missing ones; a no-op (and no network) when all
# are present. `apt-get update` runs once per process, only when something must be installed.
ensure_apt_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    pkg_installed "$pkg" || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null 2>&1 ||
    die "missing packages: ${missing[*]}; apt-get is not available here, install them by hand"
  log_info "installing ${missing[*]} (apt-get)"
  # Lock timeout: another apt run (unattended upgrades, a parallel script) must not fail us at once.
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300)
  if [[ -z "$_BINLOG_APT_UPDATED" ]]; then
    as_root "${apt[@]}" update >&2 || die "apt-get update failed"
    _BINLOG_APT_UPDATED=1
  fi
  as_root "${apt[@]}" install -y "${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
}

# have_commands CMD...: true if every CMD is on PATH.
have_commands() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || return 1
  done
}

ensure_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  ensure_apt_packages maven
  command -v mvn >/dev/null 2>&1 || die "mvn still not on PATH after installing the maven package"
}

# Java is part of the machine image, not something we install: say so plainly when it is absent.
ensure_java() {
  command -v java >/dev/null 2>&1 && return 0
  die "java is not on PATH: install a JDK 17 or newer (e.g. apt-get install openjdk-17-jdk-headless) and retry"
}

# ---------------------------------------------------------------------------------------------
# Ports

# tcp_open PORT [HOST]: bash's /dev/tcp, so no nc/curl needed; `timeout` guards a full backlog.
tcp_open() {
  local port="$1" host="${2:-127.0.0.1}"
  # shellcheck disable=SC2016  # $1/$2 are expanded by the inner bash, on purpose
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" >/dev/null 2>&1
}

# port_listener PORT: prints the listening socket(s) on PORT on any address, with the owning
# process when ss can tell; returns false when nobody listens. Without ss, falls back to a
# connect on 127.0.0.1.
port_listener() {
  local port="$1" out
  if command -v ss >/dev/null 2>&1; then
    out="$(ss -Hltnp "sport = :$port" 2>/dev/null || true)"
    [[ -n "$out" ]] || return 1
    # "LISTEN 0 50 127.0.0.1:3307 0.0.0.0:* users:(("mariadbd",pid=42,fd=20))" -> the useful parts
    awk '{ s = $4; for (i = 6; i <= NF; i++) s = s " " $i; print s }' <<<"$out"
  else
    tcp_open "$port" || return 1
    printf '127.0.0.1:%s\n' "$port"
  fi
}

# ---------------------------------------------------------------------------------------------
# Processes

# pid_alive PID: `kill -0` alone is not enough here: a detached child re-parented to this VM's
# init is reaped late and stays a zombie for a while, and kill -0 succeeds on zombies.
pid_alive() {
  local pid="$1" state stat
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/stat" ]]; then
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    # the command name in field 2 may contain spaces: the state follows the last ") "
    state="${stat##*) }"
    state="${state%% *}"
  else
    state="$(ps -o stat= -p "$pid" 2>/dev/null || true)"
    [[ -n "$state" ]] || return 1
  fi
  [[ "$state" != Z* && "$state" != X* ]]
}

pid_cmdline() {
  local pid="$1"
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true
  else
    ps -o args= -p "$pid" 2>/dev/null || true
  fi
}

read_pid_file() {
  local file="$1" pid
  [[ -f "$file" ]] || return 1
  pid="$(head -n 1 "$file" 2>/dev/null | tr -d '[:space:]')"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$pid"
}

# spawn_detached LOG CMD...: setsid puts CMD in its own session so a CI step ending (which kills
# its process group) or the terminal closing does not take it down; nohup ignores SIGHUP;
# stdin is /dev/null (CI has none). $! is CMD's own pid: setsid only forks when the caller is a
# process-group leader, which a background job of a shell without job control never is.
# Extra fds are closed so the child never holds the caller's lock file or pipes.
# shellcheck disable=SC2034  # read by the callers
SPAWNED_PID=""
spawn_detached() {
  local log="$1"
  shift
  local restore_m=""
  if [[ $- == *m* ]]; then
    restore_m=1
    set +m
  fi
  setsid nohup "$@" </dev/null >>"$log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  # shellcheck disable=SC2034  # read by the callers
  SPAWNED_PID=$!
  [[ -z "$restore_m" ]] || set -m
  return 0
}

# stop_pid PID [TIMEOUT]: SIGTERM first for a clean shutdown (Kafka flushes, MariaDB closes
# InnoDB), SIGKILL only if it does not exit in time. Returns 0 once the process is gone.
stop_pid() {
  local pid="$1" timeout="${2:-30}"
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if wait_until "$timeout" _pid_gone "$pid"; then
    return 0
  fi
  log_warn "pid $pid did not exit ${timeout}s after SIGTERM; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait_until 10 _pid_gone "$pid"
}

_pid_gone() { ! pid_alive "$1"; }

# wait_until TIMEOUT CMD...: polls every 0.2 s; the deadline is wall clock, so a slow CMD
# (a JVM-based health check) does not stretch it.
wait_until() {
  local timeout="$1"
  shift
  local deadline=$(($(now_ms) + timeout * 1000))
  while true; do
    "$@" && return 0
    (($(now_ms) >= deadline)) && return 1
    sleep 0.2
  done
}

# build_module_classpath MODULE CLASSPATH_FILE [LOG_FILE]: packages MODULE (and the modules it
# needs, tests skipped) and writes its runtime class path to CLASSPATH_FILE. One reactor run, so
# that sibling modules resolve to their fresh jars; build-classpath runs for every module of the
# reactor into the same file and MODULE is built last, so the file ends up as MODULE's.
build_module_classpath() {
  local module="$1" classpath_file="$2" log_file="${3:-/dev/stderr}"
  (cd "$BINLOG_REPO_ROOT" && mvn -q -B -ntp -pl "$module" -am package dependency:build-classpath \
    -DskipTests -Dmdep.includeScope=runtime -Dmdep.outputFile="$classpath_file") >>"$log_file" 2>&1
}

# exec_app MODULE NAME [ARGS...]: runs the command NAME that the build puts in
# MODULE/target/MODULE/bin (see build/assembly). Builds MODULE first (tests skipped) when that
# launcher is missing or any main source or pom of the repository (MODULE or a module it uses) is
# newer than it, so bin/ wrappers never run stale code. The assembly stamps files with the
# reproducible-build time, hence the touch after a build.
exec_app() {
  local module="$1" name="$2"
  shift 2
  local launcher="$BINLOG_REPO_ROOT/$module/target/$module/bin/$name"
  if [[ ! -x "$launcher" ]] || [[ -n "$(find "$BINLOG_REPO_ROOT"/*/src/main "$BINLOG_REPO_ROOT"/pom.xml "$BINLOG_REPO_ROOT"/*/pom.xml -newer "$launcher" -print -quit 2>/dev/null)" ]]; then
    ensure_java
    ensure_maven
    log_info "building $module (tests skipped); log: $BINLOG_STATE_DIR/build-$module.log"
    mkdir -p "$BINLOG_STATE_DIR"
    (cd "$BINLOG_REPO_ROOT" && mvn -q -B -ntp -pl "$module" -am package -DskipTests) \
      >"$BINLOG_STATE_DIR/build-$module.log" 2>&1 \
      || die "building $module failed; see $BINLOG_STATE_DIR/build-$module.log"
    touch "$launcher"
  fi
  exec "$launcher" "$@"
}

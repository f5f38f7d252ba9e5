#!/usr/bin/env bash
# Reliability benchmark of the release server, all in one run, on a throwaway database:
#   1. lost updates: 10,000 version-checked ticks from 64 clients on 4 items; the
#      versions and events in the database must add up to the acknowledged changes;
#   2. PostgreSQL restarts under load (a restart, then an immediate stop and a start):
#      recovery time, errors inside and outside the outages, and every acknowledged
#      write found in the database;
#   3. a held row lock against a 2-connection pool (lock and acquire timeouts: 503 with
#      Retry-After) and a short statement timeout (504): answers, longest wait, and
#      recovery once the lock is released;
#   4. graceful shutdown: SIGTERM under load; requests in flight, how new ones are
#      refused, time to exit;
#   5. tick throughput: the tick API under wrk as a share of pgbench's single-row
#      UPDATE rate, with the tick's p50/p99.
# Usage: scripts/bench-reliability.sh   (BENCH_SKIP_BUILD=1 to skip the release build)
# Prints figures and asserts nothing (it exits nonzero only when setting up fails).
# Loopback only; every step is bounded in time (about 2 minutes besides the build).
# Figures (JSON), wrk/pgbench output and the instances' logs: target/bench-reliability/.
# It restarts the local PostgreSQL cluster (every database's connections drop) and
# makes sure the cluster runs again when it exits.
# Load comes from Python asyncio + aiohttp (scripts/bench/reliability/, pinned in its
# requirements.txt, venv at target/bench-venv), wrk and pgbench.
# Environment: BENCH_PORT (3300; 3301 and 3302 are used too), BENCH_SKIP_BUILD=1 (use
# target/release/server as it is), TICK_SECONDS (10).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

PORT="${BENCH_PORT:-3300}"
SMALL_PORT=$((PORT + 1))
DRAIN_PORT=$((PORT + 2))
DB="preflight_bench_rel"
DB_URL="postgres://postgres@127.0.0.1:5432/$DB"
SERVER="$ROOT/target/release/server"
HERE="$ROOT/scripts/bench/reliability"
VENV="$ROOT/target/bench-venv"
REQUIREMENTS="$HERE/requirements.txt"
OUT="$ROOT/target/bench-reliability"
TICK_SECONDS="${TICK_SECONDS:-10}"

setup_venv() {
  local want have=""
  want="$( (cat "$REQUIREMENTS"; python3 --version) | sha256sum | cut -d' ' -f1)"
  [ -f "$VENV/.stamp" ] && have="$(cat "$VENV/.stamp")"
  if [ "$want" = "$have" ] && [ -x "$VENV/bin/python" ]; then
    return
  fi
  log "creating $VENV (PyPI: aiohttp)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS"
  echo "$want" >"$VENV/.stamp"
}

setup_postgres
command -v wrk >/dev/null || apt_install wrk
command -v pgbench >/dev/null || apt_install postgresql-client
setup_venv
if [ "${BENCH_SKIP_BUILD:-0}" = 1 ]; then
  [ -x "$SERVER" ] || { echo "BENCH_SKIP_BUILD=1 but there is no $SERVER" >&2; exit 1; }
  log "using $SERVER as it is (BENCH_SKIP_BUILD=1)"
else
  setup_toolchain
  build_release
fi
rm -rf "$OUT"
mkdir -p "$OUT"

# The cluster serving 127.0.0.1:5432, which part 2 restarts.
read -r PG_VERSION PG_CLUSTER < <(pg_lsclusters -h | awk '$3 == 5432 { print $1, $2; exit }')
[ -n "${PG_CLUSTER:-}" ] || { echo "no PostgreSQL cluster on port 5432 (pg_lsclusters)" >&2; exit 1; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
PG_CTL="$SUDO pg_ctlcluster $PG_VERSION $PG_CLUSTER"

psql_admin() { psql -X -q -h 127.0.0.1 -U postgres -d postgres -c "$1"; }

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  # Part 2 stops PostgreSQL: whatever happened, leave it running.
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "starting PostgreSQL again" >&2
    timeout 120 $PG_CTL start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
}
trap cleanup EXIT

# start_server NAME PORT [VAR=VALUE...]: a release instance on 127.0.0.1:PORT with its
# log in $OUT/NAME.log; its pid in STARTED_PID once /readyz answers.
start_server() {
  local name="$1" port="$2"
  shift 2
  (
    release_server_env
    export DATABASE_URL="$DB_URL" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn
    for setting in "$@"; do export "$setting"; done
    exec "$SERVER"
  ) >"$OUT/$name.log" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  for _ in $(seq 1 120); do
    curl -sf -m 2 "http://127.0.0.1:$port/readyz" >/dev/null && return
    kill -0 "$STARTED_PID" 2>/dev/null || break
    sleep 0.5
  done
  echo "the server $name did not start; see $OUT/$name.log" >&2
  tail -n 20 "$OUT/$name.log" >&2
  exit 1
}

# stop_server PID: SIGTERM, then its exit status in STOPPED_STATUS.
stop_server() {
  local pid="$1" kept=() p
  kill "$pid" 2>/dev/null || true
  STOPPED_STATUS=0
  wait "$pid" 2>/dev/null || STOPPED_STATUS=$?
  for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  PIDS=("${kept[@]}")
}

# part SECONDS MODULE JSON-NAME BASE [ARGS...]: one part's load generator, bounded in
# time; a failure is reported and the run goes on.
part() {
  local seconds="$1" module="$2" name="$3" base="$4"
  shift 4
  local rc=0
  PYTHONDONTWRITEBYTECODE=1 timeout --kill-after=10 "$seconds" "$VENV/bin/python" "$HERE/$module.py" \
    --base "$base" --token "$TOKEN" --db-url "$DB_URL" --out "$OUT/$name.json" "$@" || rc=$?
  [ "$rc" = 0 ] || echo "   ($module stopped with exit status $rc: its figures are missing)"
}

START=$SECONDS
psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
log "starting the server on 127.0.0.1:$PORT (database $DB, demo data)"
start_server main "$PORT"
MAIN_PID=$STARTED_PID
BASE="http://127.0.0.1:$PORT"
TOKEN="$(DATABASE_URL="$DB_URL" timeout 60 "$SERVER" token add editor@preflight.demo bench --scope write | tail -1)"
[[ "$TOKEN" == pf_* ]] || { echo "could not make a write token: $TOKEN" >&2; exit 1; }

log "1. lost updates: 10,000 version-checked writes, 64 clients, 4 items"
part 120 lost_updates lost_updates "$BASE" --writes 10000 --clients 64 --items 4 --first-item 0

log "2. PostgreSQL restarts under load: 8 readers, 8 writers ($PG_CTL restart; stop -m immediate, start)"
part 150 db_restart db_restart "$BASE" --readers 8 --writers 8 --first-item 4 \
  --restart-cmd "$PG_CTL restart" --stop-cmd "$PG_CTL stop -m immediate" --start-cmd "$PG_CTL start"
pg_isready -q -h 127.0.0.1 -p 5432 || { timeout 120 $PG_CTL start || true; }

log "3a. a held row lock, pool of 2 (acquire timeout 1 s, lock timeout 2 s) on 127.0.0.1:$SMALL_PORT"
start_server small-pool "$SMALL_PORT" PREFLIGHT_DB_POOL_SIZE=2 PREFLIGHT_DB_ACQUIRE_TIMEOUT_MS=1000 \
  PREFLIGHT_DB_LOCK_TIMEOUT_MS=2000 PREFLIGHT_DB_STATEMENT_TIMEOUT_MS=30000
part 60 pool_timeouts pool_lock "http://127.0.0.1:$SMALL_PORT" --scenario "pool 2, lock timeout 2 s" \
  --item-index 12 --hold 12 --load 8 --writers 8 --readers 8 --server-log "$OUT/small-pool.log"
stop_server "$STARTED_PID"

log "3b. a held row lock, statement timeout 500 ms, no lock timeout (pool of 10, acquire timeout 1 s)"
start_server statement-timeout "$SMALL_PORT" PREFLIGHT_DB_POOL_SIZE=10 PREFLIGHT_DB_ACQUIRE_TIMEOUT_MS=1000 \
  PREFLIGHT_DB_LOCK_TIMEOUT_MS=0 PREFLIGHT_DB_STATEMENT_TIMEOUT_MS=500
part 60 pool_timeouts pool_statement "http://127.0.0.1:$SMALL_PORT" --scenario "statement timeout 500 ms" \
  --item-index 12 --hold 8 --load 5 --writers 4 --readers 4 --server-log "$OUT/statement-timeout.log"
stop_server "$STARTED_PID"

log "4. graceful shutdown: SIGTERM under load (8 readers, 8 writers, one event stream) on 127.0.0.1:$DRAIN_PORT"
start_server drain "$DRAIN_PORT"
DRAIN_PID=$STARTED_PID
part 60 shutdown shutdown "http://127.0.0.1:$DRAIN_PORT" --pid "$DRAIN_PID" --readers 8 --writers 8 \
  --first-item 20 --before 3 --after 2
if [ -d "/proc/$DRAIN_PID" ] && ! grep -q '^[^)]*) Z' "/proc/$DRAIN_PID/stat" 2>/dev/null; then
  echo "   the server was still running after the part; stopping it"
fi
stop_server "$DRAIN_PID"
echo "   its exit status: $STOPPED_STATUS"

log "5. tick throughput: pgbench single-row UPDATE vs the tick API under wrk (${TICK_SECONDS}s each)"
part $((3 * TICK_SECONDS + 60)) throughput throughput "$BASE" --seconds "$TICK_SECONDS" --clients 16 \
  --threads 2 --items 32 --first-item 20

stop_server "$MAIN_PID"
echo
"$VENV/bin/python" -B "$HERE/summary.py" "$OUT"
echo "(in $((SECONDS - START)) s; figures in $OUT/*.json, server logs in $OUT/*.log)"

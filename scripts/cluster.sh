#!/usr/bin/env bash
# A local cluster on one machine: the local PostgreSQL, three Preflight instances on
# loopback ports and Debian's haproxy in front of them, health-checking `/readyz`.
# Everything it started stops when it exits.
#
#   scripts/cluster.sh        start it and wait (Ctrl-C stops it)
#   scripts/cluster.sh test   start it, run the cluster tests (end2end/cluster/), print
#                             their figures, stop
#
# Uses the release build (built when missing); `CLUSTER_DB` (default preflight_cluster)
# is dropped and created afresh; haproxy listens on 127.0.0.1:3200, the instances on
# 3201–3203.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

MODE="${1:-up}"
case "$MODE" in up | test) ;; *) echo "usage: $0 [up|test]" >&2; exit 2 ;; esac

CLUSTER_DB="${CLUSTER_DB:-preflight_cluster}"
DB_URL="postgres://postgres@127.0.0.1:5432/$CLUSTER_DB"
PROXY_PORT=3200
PORTS=(3201 3202 3203)
SERVER="${PREFLIGHT_SERVER_BIN:-$ROOT/target/release/server}"
RUN_DIR="$ROOT/target/cluster"
# haproxy marks an instance down after FALL failed checks INTER_MS apart, and back up
# after RISE good ones: the health-check window the tests hold failures to.
INTER_MS=500
FALL=2
RISE=2

setup_postgres
if ! command -v haproxy >/dev/null; then
  apt_install haproxy
fi
if [ -z "${PREFLIGHT_SERVER_BIN:-}" ] && [ ! -x "$SERVER" ]; then
  setup_toolchain
  build_release
fi

rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"
PIDS=()
stop_all() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT

psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $CLUSTER_DB WITH (FORCE)"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $CLUSTER_DB"
# Migrations run once, as a deployment runs them; the instances only check them.
log "server migrate"
DATABASE_URL="$DB_URL" "$SERVER" migrate

start_instance() {
  local n="$1" port="${PORTS[$1]}"
  (
    release_server_env
    export DATABASE_URL="$DB_URL" PREFLIGHT_LISTEN_ADDR="127.0.0.1:$port" PREFLIGHT_MIGRATE=0
    export PREFLIGHT_LOG_FORMAT=json
    exec "$SERVER"
  ) >"$RUN_DIR/instance-$n.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >"$RUN_DIR/instance-$n.pid"
}

wait_ready() {
  local url="$1" what="$2"
  for _ in $(seq 1 60); do
    curl -sf "$url/readyz" >/dev/null && return
    sleep 0.5
  done
  echo "$what did not become ready" >&2
  tail -n 40 "$RUN_DIR"/*.log >&2
  exit 1
}

# The first instance loads the demo into the empty database; the others start once it
# is there, so that they find it and load nothing.
start_instance 0
wait_ready "http://127.0.0.1:${PORTS[0]}" "instance 1"
start_instance 1
start_instance 2
wait_ready "http://127.0.0.1:${PORTS[1]}" "instance 2"
wait_ready "http://127.0.0.1:${PORTS[2]}" "instance 3"

cat >"$RUN_DIR/haproxy.cfg" <<EOF
global
  log stdout format raw local0 info
  stats socket $RUN_DIR/haproxy.sock mode 600 level admin

defaults
  mode http
  log global
  option httplog
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  # Event streams stay open; their keep-alive comment comes every 15 s.
  timeout tunnel 1h
  # A refused connection (an instance that died) is retried on another instance.
  retries 2
  option redispatch 1

frontend preflight
  bind 127.0.0.1:$PROXY_PORT
  default_backend instances

backend instances
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter ${INTER_MS}ms fall $FALL rise $RISE
  server one 127.0.0.1:${PORTS[0]} check
  server two 127.0.0.1:${PORTS[1]} check
  server three 127.0.0.1:${PORTS[2]} check
EOF
haproxy -c -q -f "$RUN_DIR/haproxy.cfg"
haproxy -db -f "$RUN_DIR/haproxy.cfg" >"$RUN_DIR/haproxy.log" 2>&1 &
PIDS+=("$!")
wait_ready "http://127.0.0.1:$PROXY_PORT" "haproxy"

log "cluster up: http://127.0.0.1:$PROXY_PORT → instances on ${PORTS[*]} (logs: $RUN_DIR)"

if [ "$MODE" = up ]; then
  log "Ctrl-C stops it"
  wait "${PIDS[0]}"
  exit 0
fi

setup_browser_tests
INSTANCES=""
INSTANCE_PIDS=""
for n in 0 1 2; do
  INSTANCES+="${INSTANCES:+,}http://127.0.0.1:${PORTS[$n]}"
  INSTANCE_PIDS+="${INSTANCE_PIDS:+,}$(cat "$RUN_DIR/instance-$n.pid")"
done
log "cluster tests in Chromium"
(
  cd end2end
  PREFLIGHT_URL="http://127.0.0.1:$PROXY_PORT" PREFLIGHT_INSTANCES="$INSTANCES" \
    PREFLIGHT_INSTANCE_PIDS="$INSTANCE_PIDS" PREFLIGHT_CHECK_WINDOW_MS=$((INTER_MS * (FALL + 1))) \
    PREFLIGHT_FIGURES="$RUN_DIR/figures.json" \
    npx playwright test --config cluster.config.ts
)
log "figures (also in $RUN_DIR/figures.json)"
cat "$RUN_DIR/figures.json"
echo

#!/usr/bin/env bash
# Portfolio benchmark: seeds 50 and then 500 services (60 items, 4 phases, 5 risks and
# 9 cost lines each) into a throwaway database, and prints the server render time of
# the portfolio page (`GET /` through the real router) and of its data + domain part.
# Figures only; nothing is asserted. Usage: scripts/bench-portfolio.sh [requests] [sizes...]
# Environment: BENCH_DB (default preflight_bench, created and dropped), PGHOST/PGPORT/PGUSER.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DB="${BENCH_DB:-preflight_bench}"
HOST="${PGHOST:-127.0.0.1}"
PORT="${PGPORT:-5432}"
USER_NAME="${PGUSER:-postgres}"
REQUESTS="${1:-30}"
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(50 500)

psql_admin() { psql -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U "$USER_NAME" -d postgres -c "$1"; }
drop_db() { psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)"; }

echo "==> building the benchmark (release)"
cargo build --release -p server --example bench_portfolio

drop_db
trap drop_db EXIT
echo "==> $DB: ${SIZES[*]} services, $REQUESTS runs each"
"$ROOT/target/release/examples/bench_portfolio" \
  "postgres://$USER_NAME@$HOST:$PORT/$DB" "$REQUESTS" "${SIZES[@]}"

#!/usr/bin/env bash
# Sets up and runs every test: formatting, clippy (server and browser feature sets),
# unit tests, database tests against the local PostgreSQL, API tests, the Playwright
# tests in Chromium against a freshly built server on a fresh database, the cluster tests
# (scripts/cluster.sh: three instances behind haproxy), schemathesis against the
# OpenAPI document (scripts/check-api.sh), the offline checks of the Helm chart
# (scripts/check-chart.sh) and of the dependencies (cargo deny, deny.toml).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

setup_toolchain
setup_postgres
setup_browser_tests

# sqlx::test creates (and drops) one database per test through this connection.
export DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

# A one-off CI build gains nothing from incremental caches; they only take disk space.
if [ -n "${CI:-}" ]; then
  export CARGO_INCREMENTAL=0
fi

log "SQL checked at compile time: .sqlx/ matches the code (cargo sqlx prepare --check)"
setup_sqlx_cli
SQLX_DB="postgres://postgres@127.0.0.1:5432/preflight_sqlx_check"
cargo sqlx database drop -y --database-url "$SQLX_DB" >/dev/null
cargo sqlx database setup --database-url "$SQLX_DB" --source migrations >/dev/null
DATABASE_URL="$SQLX_DB" cargo sqlx prepare --workspace --check

log "dependencies: licences, duplicate versions and sources (cargo deny, deny.toml)"
setup_cargo_deny
cargo fetch --locked --quiet
cargo deny --offline --locked check licenses bans sources

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy (server and browser builds), warnings are errors"
cargo clippy --all-targets -p server -- -D warnings
cargo clippy --all-targets -p app --features ssr -- -D warnings
cargo clippy --all-targets -p app --features hydrate -- -D warnings
cargo clippy --lib -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings

log "Helm chart and container file, checked offline (scripts/check-chart.sh)"
"$ROOT/scripts/check-chart.sh"

log "unit, database and API tests (the email test reads an aiosmtpd sink)"
setup_smtp_sink
cargo test -p app --features ssr
cargo test -p server

# The browser tests drive exactly what scripts/run.sh serves.
build_release

E2E_DB="preflight_e2e"
E2E_ADDR="127.0.0.1:3100"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $E2E_DB WITH (FORCE)"
LOG="$ROOT/target/e2e-server.log"
log "starting the server on $E2E_ADDR (log: $LOG)"
(
  release_server_env
  # PREFLIGHT_TEST_CLOCK=1: the review test moves the due-date scan's clock.
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$E2E_DB" LEPTOS_SITE_ADDR="$E2E_ADDR" \
    PREFLIGHT_TEST_CLOCK=1 exec "$ROOT/target/release/server"
) >"$LOG" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
for i in $(seq 1 60); do
  curl -sf "http://$E2E_ADDR/health" >/dev/null && break
  if ! kill -0 $SERVER_PID 2>/dev/null; then cat "$LOG"; exit 1; fi
  [ "$i" = 60 ] && { echo "server did not become healthy" >&2; cat "$LOG"; exit 1; }
  sleep 1
done

log "Playwright tests in Chromium"
(cd end2end && PREFLIGHT_URL="http://$E2E_ADDR" npx playwright test)

log "the API against its OpenAPI document (schemathesis, scripts/check-api.sh)"
API_TOKEN="$(DATABASE_URL="postgres://postgres@127.0.0.1:5432/$E2E_DB" \
  "$ROOT/target/release/server" token add editor@preflight.demo schemathesis --scope write | tail -1)"
"$ROOT/scripts/check-api.sh" "http://$E2E_ADDR" "$API_TOKEN"

log "cluster tests: three instances behind haproxy"
"$ROOT/scripts/cluster.sh" test
log "all tests passed"

#!/usr/bin/env bash
# Sets up and runs the Preflight portal with demo data on http://127.0.0.1:3000.
# DATABASE_URL defaults to the local PostgreSQL, database `preflight` (created and
# migrated at start; the demo services are loaded when it holds none).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

setup_toolchain
setup_postgres

log "building Preflight (release)"
cargo leptos build --release

export LEPTOS_SITE_ROOT="$ROOT/target/site"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export LEPTOS_ENV=PROD
log "Preflight on http://$LEPTOS_SITE_ADDR (Ctrl-C stops it)"
exec "$ROOT/target/release/server"

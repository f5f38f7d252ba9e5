#!/usr/bin/env bash
# Sets up and runs the Preflight portal with demo data on http://127.0.0.1:3000.
# DATABASE_URL defaults to the local PostgreSQL, database `preflight` (created and
# migrated at start; the demo services are loaded when it holds none).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

setup_toolchain
setup_postgres

build_release

release_server_env
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
log "Preflight on http://$LEPTOS_SITE_ADDR (Ctrl-C stops it)"
exec "$ROOT/target/release/server"

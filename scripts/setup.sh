#!/usr/bin/env bash
# Installs what building and running Preflight needs, and is quick when it is there.
# Sourced by run.sh and test.sh; `setup_browser_tests` is only needed for tests.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.7"
# sqlx-cli at the sqlx version in Cargo.lock, for the compile-time SQL check.
SQLX_CLI_VERSION="0.8.6"
CARGO_DENY_VERSION="0.20.2"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  log "installing Debian packages: $*"
  as_root apt-get install -y "$@" >/dev/null 2>&1 || {
    as_root apt-get update >/dev/null 2>&1
    as_root apt-get install -y "$@" >/dev/null
  }
}

# The wasm-bindgen CLI must be the exact version of the crate in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

setup_toolchain() {
  export PATH="$HOME/.cargo/bin:$PATH"
  if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes on a cold machine)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  local wb
  wb="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$wb"; then
    log "installing wasm-bindgen-cli $wb"
    # Not --locked: its lock file names a crate version the registry no longer has.
    cargo install wasm-bindgen-cli --version "$wb"
  fi
  setup_wasm_opt
}

# Release builds run wasm-opt. Debian's (binaryen 108) emits a module that cannot
# hydrate (WebAssembly.Table.set fails), so binaryen 132 comes from npm, pinned in
# scripts/tools, and goes first on PATH: cargo-leptos takes the first wasm-opt it finds.
setup_wasm_opt() {
  local tools="$ROOT/scripts/tools"
  if ! "$tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q 'version 132'; then
    log "installing binaryen 132 (wasm-opt) from npm"
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  export PATH="$tools/node_modules/.bin:$PATH"
}

# `cargo sqlx prepare --check` compares the committed query data (.sqlx/) with the
# statements in the code; only the test command needs it (about 5 minutes cold).
setup_sqlx_cli() {
  if ! cargo sqlx --version 2>/dev/null | grep -q "$SQLX_CLI_VERSION"; then
    log "installing sqlx-cli $SQLX_CLI_VERSION"
    cargo install sqlx-cli --version "$SQLX_CLI_VERSION" --no-default-features \
      --features postgres,rustls --locked
  fi
}

# PostgreSQL on 127.0.0.1:5432 with trust authentication, as on this project's machines.
# Licences, duplicate versions and sources of every dependency (deny.toml); only the
# test command needs it (about 5 minutes cold).
setup_cargo_deny() {
  if ! cargo deny --version 2>/dev/null | grep -q "$CARGO_DENY_VERSION"; then
    log "installing cargo-deny $CARGO_DENY_VERSION"
    cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
  fi
}

setup_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    return
  fi
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql
  fi
  log "starting PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && return
    sleep 1
  done
  echo "PostgreSQL does not answer on 127.0.0.1:5432; start it and run this again." >&2
  exit 1
}

# The build users run (scripts/run.sh) and the browser tests drive: optimised
# WebAssembly, content-hashed asset names, brotli and gzip files written once.
build_release() {
  log "building Preflight (release)"
  cargo leptos build --release --precompress
}

# How scripts/run.sh and the browser tests start the release server.
release_server_env() {
  export LEPTOS_SITE_ROOT="$ROOT/target/site"
  export LEPTOS_ENV=PROD
  export LEPTOS_HASH_FILES=true
}

setup_browser_tests() {
  if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium
  fi
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ]; then
    log "installing Playwright (npm)"
    # Playwright must not download a browser here: it uses Debian's Chromium.
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}

# The SMTP sink the email test reads from (aiosmtpd from PyPI, pinned in
# scripts/smtp-requirements.txt), in a venv at target/smtp-venv. Exports its python.
setup_smtp_sink() {
  local venv="$ROOT/target/smtp-venv" requirements="$ROOT/scripts/smtp-requirements.txt"
  local want have
  want="$( (cat "$requirements"; python3 --version) | sha256sum | cut -d' ' -f1)"
  have="$(cat "$venv/.stamp" 2>/dev/null || true)"
  if [ "$want" != "$have" ] || [ ! -x "$venv/bin/python" ]; then
    log "creating $venv (PyPI: aiosmtpd)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements"
    echo "$want" >"$venv/.stamp"
  fi
  export PREFLIGHT_TEST_SMTP_PYTHON="$venv/bin/python"
}

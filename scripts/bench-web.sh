#!/usr/bin/env bash
# Web benchmark of the release build that scripts/run.sh serves, all in one run:
#   1. first-load bytes (script + WebAssembly, as sent) per entry page;
#   2. Lighthouse 12, mobile defaults, median of LIGHTHOUSE_RUNS runs (default 3);
#   3. server-rendering throughput with wrk, as a share of /health's in the same run;
#   4. the portfolio's render time and HTML size at 50 and 500 services.
# Prints figures and asserts nothing. Loopback only; every step is bounded in time.
# Environment: BENCH_PORT (3200), WRK_SECONDS (8), LIGHTHOUSE_RUNS (3).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

PORT="${BENCH_PORT:-3200}"
BASE="http://127.0.0.1:$PORT"
DB="preflight_bench_web"
WRK_SECONDS="${WRK_SECONDS:-8}"
RUNS="${LIGHTHOUSE_RUNS:-3}"
OUT="$ROOT/target/bench-web"
ENTRY_PAGES=(/ /services/payments-api /services/payments-api/costs /services/payments-api/history /import)
LIGHTHOUSE_PAGES=(/ /services/payments-api /services/payments-api/costs /import)
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"

setup_toolchain
setup_postgres
setup_browser_tests
command -v wrk >/dev/null || apt_install wrk
if [ ! -x "$ROOT/scripts/bench/node_modules/.bin/lighthouse" ]; then
  log "installing Lighthouse (npm)"
  (cd "$ROOT/scripts/bench" && npm ci --no-audit --no-fund --loglevel=error)
fi
build_release
mkdir -p "$OUT"

psql_admin() { psql -q -h 127.0.0.1 -U postgres -d postgres -c "$1"; }
psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
(
  release_server_env
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
    RUST_LOG=warn exec "$ROOT/target/release/server"
) >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
cleanup() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
}
trap cleanup EXIT
for i in $(seq 1 60); do
  curl -sf "$BASE/health" >/dev/null && break
  [ "$i" = 60 ] && { echo "the server did not start; see $OUT/server.log" >&2; exit 1; }
  sleep 1
done

# Every page needs a signed-in user: the demo viewer's session, as a browser keeps it.
COOKIE="$(curl -s -o /dev/null -D - --data-urlencode 'email=viewer@preflight.demo' \
  --data-urlencode 'password=preflight-viewer' --data-urlencode 'next=/' "$BASE/login" |
  awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2 }')"
[ -n "$COOKIE" ] || { echo "signing in as the demo viewer failed" >&2; exit 1; }
export PREFLIGHT_COOKIE="$COOKIE"

log "1. first load: script + WebAssembly per entry page (target: at most 150 KB)"
timeout 300 node "$ROOT/scripts/bench/first-load.mjs" "$BASE" "${ENTRY_PAGES[@]}" >"$OUT/first-load.jsonl"
python3 - "$OUT/first-load.jsonl" <<'EOF'
import json, sys
print(f"{'page':<34} {'script':>9} {'wasm':>9} {'total':>9} {'files':>5} {'encoding':>9} {'hydrated':>9}")
for line in open(sys.argv[1]):
    r = json.loads(line)
    kb = lambda b: f"{b / 1000:.1f} KB"
    print(f"{r['page']:<34} {kb(r['script_bytes']):>9} {kb(r['wasm_bytes']):>9} {kb(r['total_bytes']):>9} "
          f"{r['files']:>5} {r['encodings']:>9} {r['hydrated_ms']:>7} ms")
EOF

log "2. Lighthouse, mobile defaults, median of $RUNS (targets: performance 0.95, accessibility 1.0, LCP 2.0 s, TBT 200 ms)"
for page in "${LIGHTHOUSE_PAGES[@]}"; do
  name="$(echo "$page" | tr '/' '_')"
  for run in $(seq 1 "$RUNS"); do
    CHROME_PATH=/usr/bin/chromium timeout 180 "$ROOT/scripts/bench/node_modules/.bin/lighthouse" "$BASE$page" \
      --quiet --output=json --output-path="$OUT/lh$name.$run.json" \
      --only-categories=performance,accessibility --chrome-flags="$CHROME_FLAGS" \
      --extra-headers="{\"Cookie\": \"$COOKIE\"}" >/dev/null 2>&1 ||
      echo "   (Lighthouse run $run of $page failed)"
  done
done
python3 - "$OUT" "$RUNS" "${LIGHTHOUSE_PAGES[@]}" <<'EOF'
import json, os, statistics, sys
out, runs, pages = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print(f"{'page':<34} {'perf':>5} {'a11y':>5} {'LCP':>8} {'TBT':>8} {'FCP':>8}")
for page in pages:
    name = page.replace('/', '_')
    rows = []
    for run in range(1, runs + 1):
        path = f"{out}/lh{name}.{run}.json"
        if not os.path.exists(path):
            continue
        r = json.load(open(path))
        a = r['audits']
        rows.append((r['categories']['performance']['score'] or 0,
                     r['categories']['accessibility']['score'] or 0,
                     a['largest-contentful-paint']['numericValue'],
                     a['total-blocking-time']['numericValue'],
                     a['first-contentful-paint']['numericValue']))
    if not rows:
        print(f"{page:<34} no result")
        continue
    med = [statistics.median(col) for col in zip(*rows)]
    print(f"{page:<34} {med[0]:>5.2f} {med[1]:>5.2f} {med[2]/1000:>6.2f} s {med[3]:>5.0f} ms {med[4]/1000:>6.2f} s")
EOF

log "3. server rendering with wrk, ${WRK_SECONDS}s each, 2 threads, 16 connections (target: at least 10% of /health)"
# Pages with the session cookie (session load and user lookup included); /health without.
rate() { wrk -t2 -c16 -d"${WRK_SECONDS}s" -H "Cookie: $COOKIE" "$BASE$1" 2>/dev/null | awk '/Requests\/sec/ { print $2 }'; }
health="$(rate /health)"
printf '%-34s %10s %8s\n' "route" "req/s" "share"
printf '%-34s %10s %8s\n' "/health" "$health" "100%"
for page in / /services/payments-api /services/payments-api/costs; do
  r="$(rate "$page")"
  printf '%-34s %10s %7s%%\n' "$page" "$r" "$(python3 -c "print(f'{100 * $r / $health:.1f}')")"
done

log "4. the portfolio at 50 and 500 services (target: at most 25 ms median and 300 KB of HTML at 500)"
bash "$ROOT/scripts/bench-portfolio.sh" 20 50 500

#!/usr/bin/env bash
# Fuzzes one target of app/fuzz for a bounded time, then prints how many inputs ran
# and how many crashes were found. Targets:
#   import_markdown  the Markdown importer (seeds from ../shared/seeds as a start)
#   api_bodies       the JSON API's item PATCH body and the status rule
#   form_inputs      the checklist, phase, risk and cost forms, money and slugs
#
#   scripts/fuzz.sh [target] [seconds]      # default: import_markdown, 600
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). cargo-fuzz passes nightly-only
# flags to rustc; on a stable toolchain RUSTC_BOOTSTRAP=1 lets it accept them. No
# sanitizer: the importer is safe Rust, so a panic (an assertion in the target, an
# index out of bounds, an overflow) is what counts as a crash.
set -euo pipefail

target="${1:-import_markdown}"
secs="${2:-600}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/app"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
    exit 2
fi

corpus="fuzz/corpus/$target"
artifacts="fuzz/artifacts/$target"
mkdir -p "$corpus" "$artifacts"
extra=()
case "$target" in
    import_markdown)
        # Start from real documents: the seeds, when they are where the tests look.
        seeds="${PREFLIGHT_SEEDS_DIR:-$root/../shared/seeds}"
        if [ -d "$seeds" ]; then
            cp -n "$seeds"/*.txt "$corpus"/ 2>/dev/null || true
        fi
        extra=(-dict=fuzz/markdown.dict)
        ;;
    api_bodies)
        printf '%s' '{"status": "not_applicable", "na_reason": "no DB", "version": 2}' >"$corpus/na.json"
        printf '%s' '{"status": "done"}' >"$corpus/done.json"
        ;;
    form_inputs)
        printf '%s' '{"title": "TLS", "detail": "", "status": "done", "na_reason": "", "priority": "high", "owner": "", "due_date": "2026-12-01", "evidence_url": "https://x.example", "phase_id": ""}' >"$corpus/item.json"
        printf '%s' '{"title": "Lock-in", "description": "", "likelihood": "3", "impact": "4", "mitigation": "", "owner": "", "status": "open", "review_date": "", "item_ids": []}' >"$corpus/risk.json"
        printf '%s' '$1,234.50' >"$corpus/money.txt"
        ;;
esac

before=$(find "$artifacts" -type f | wc -l)
log="$(mktemp)"
status=0
RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" "$corpus" -- \
    -max_total_time="$secs" -max_len=16384 -timeout=10 \
    "${extra[@]}" -print_final_stats=1 2>&1 | tee "$log" || status=$?
after=$(find "$artifacts" -type f | wc -l)

execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -n 1)
echo
echo "executions: ${execs:-unknown}"
echo "crashes: $((after - before))"
find "$artifacts" -type f -newer "$log" -print | sed 's/^/  /'
rm -f "$log"
exit "$status"

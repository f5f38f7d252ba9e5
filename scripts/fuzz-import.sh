#!/usr/bin/env bash
# Fuzzes `import_markdown` (app/fuzz, target `import_markdown`) for a bounded time,
# then prints how many inputs ran and how many crashes were found.
#
#   scripts/fuzz-import.sh [seconds]      # default 600
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). cargo-fuzz passes nightly-only
# flags to rustc; on a stable toolchain RUSTC_BOOTSTRAP=1 lets it accept them. No
# sanitizer: the importer is safe Rust, so a panic (an assertion in the target, an
# index out of bounds, an overflow) is what counts as a crash.
set -euo pipefail

secs="${1:-600}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/app"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
    exit 2
fi

corpus=fuzz/corpus/import_markdown
artifacts=fuzz/artifacts/import_markdown
mkdir -p "$corpus" "$artifacts"
# Start from real documents: the seeds, when they are where the tests look for them.
seeds="${PREFLIGHT_SEEDS_DIR:-$root/../shared/seeds}"
if [ -d "$seeds" ]; then
    cp -n "$seeds"/*.txt "$corpus"/ 2>/dev/null || true
fi

before=$(find "$artifacts" -type f | wc -l)
log="$(mktemp)"
status=0
RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none import_markdown "$corpus" -- \
    -max_total_time="$secs" -max_len=16384 -timeout=10 \
    -dict=fuzz/markdown.dict -print_final_stats=1 2>&1 | tee "$log" || status=$?
after=$(find "$artifacts" -type f | wc -l)

execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -n 1)
echo
echo "executions: ${execs:-unknown}"
echo "crashes: $((after - before))"
find "$artifacts" -type f -newer "$log" -print | sed 's/^/  /'
rm -f "$log"
exit "$status"

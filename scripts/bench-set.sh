#!/usr/bin/env bash
# Times `imagebot dry-run` on an empty tree with 0, 2,500 and 10,000 `--set` on the command line,
# and with the same 10,000 results in a `--set-file`: what is left after start-up is argument
# handling, which must grow linearly (4x the arguments, about 4x the time; ArgumentParser alone
# took 609 ms for 2,500 and grew quadratically). Called by `make bench`.
# BENCH_BIN overrides the directory of the imagebot binary (default .build/release).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BENCH_BIN:-$PWD/.build/release}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. scripts/lib/bench.sh

mkdir "$work/empty"
sets() { for i in $(seq 0 $(($1 - 1))); do printf -- '--set\nflux-system:app-%s=registry.example.com/platform/app-%s:9.9.%s\n' "$i" "$i" "$i"; done; }
sets 2500 > "$work/sets-2500"
sets 10000 > "$work/sets-10000"
sed -n 'n;p' "$work/sets-10000" > "$work/results-10000.txt"
cd "$work"  # no ./policies here: the runs use --set only
hyperfine --style basic --warmup 3 --runs 20 --export-json "$work/times.json" \
    --command-name none "$bin/imagebot dry-run empty" \
    --command-name 2500 "xargs -s 2000000 -a sets-2500 -d '\n' $bin/imagebot dry-run empty" \
    --command-name 10000 "xargs -s 2000000 -a sets-10000 -d '\n' $bin/imagebot dry-run empty" \
    --command-name file "$bin/imagebot dry-run empty --set-file results-10000.txt" >/dev/null
{ read -r none_ms; read -r s2500_ms; read -r s10000_ms; read -r file_ms; } < <(medians_ms "$work/times.json")
cost2500=$(awk -v a="$s2500_ms" -v b="$none_ms" 'BEGIN {printf "%.1f", a - b}')
cost10000=$(awk -v a="$s10000_ms" -v b="$none_ms" 'BEGIN {printf "%.1f", a - b}')
growth=$(awk -v a="$cost10000" -v b="$cost2500" 'BEGIN {printf "%.1f", (b > 0.5 ? a / b : 0)}')
echo "--set on an empty tree (dry-run, median of 20; xargs adds about 1 ms):"
echo "  no --set: $none_ms ms (start-up); 2,500 --set: $s2500_ms ms (+$cost2500 ms); 10,000 --set: $s10000_ms ms (+$cost10000 ms)"
echo "  4x the arguments cost ${growth}x the time (target: linear, about 4x; was 609 ms for 2,500)"
echo "  --set-file with the 10,000 results: $file_ms ms"
load_note

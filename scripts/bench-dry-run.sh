#!/usr/bin/env bash
# Times `imagebot dry-run` (release build) over a generated GitOps monorepo of 10,000 YAML
# files, about 1,500 with markers, next to `grep -rl '$imagepolicy'` over the same tree, and
# prints both medians, their ratio, and imagebot's peak memory. Called by `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/.build/release
files=${1:-10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin/ImagebotBench" monorepo "$work/apps" "$files"
cd "$work"  # no ./policies here: the run uses --set only
sets=()
for i in $(seq 0 49); do sets+=(--set "flux-system:app-$i=registry.example.com/platform/app-$i:9.9.$i"); done
dry_run="$bin/imagebot dry-run $work/apps ${sets[*]} --output diff"
grep_run="grep -rl '\$imagepolicy' $work/apps"

# Check the run works (and count its changes) before timing it.
changed=$($dry_run | grep -c '^+++ ' || true)
echo "dry-run reports $changed changed files"

hyperfine --style basic --warmup 3 --runs 20 --export-json "$work/times.json" \
    --command-name grep "$grep_run" --command-name imagebot "$dry_run" >/dev/null
medians=$(grep -o '"median": *[0-9.e-]*' "$work/times.json" | grep -o '[0-9.e-]*$')
grep_ms=$(echo "$medians" | sed -n 1p | awk '{printf "%.1f", $1 * 1000}')
imagebot_ms=$(echo "$medians" | sed -n 2p | awk '{printf "%.1f", $1 * 1000}')
ratio=$(awk -v a="$imagebot_ms" -v b="$grep_ms" 'BEGIN {printf "%.2f", a / b}')
echo "dry-run over $files files (median of 20, warm cache):"
echo "  grep -rl '\$imagepolicy': $grep_ms ms"
echo "  imagebot dry-run:        $imagebot_ms ms"
echo "  ratio: ${ratio}x (target: at most 1.5x)"

rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }
echo "peak RSS of imagebot dry-run: $(rss $dry_run) KiB over $files files"
# Flat in the tree size: the same run over a tree one tenth the size.
"$bin/ImagebotBench" monorepo "$work/small" $((files / 10)) >/dev/null
echo "peak RSS of imagebot dry-run: $(rss "$bin/imagebot" dry-run "$work/small" "${sets[@]}") KiB over $((files / 10)) files"

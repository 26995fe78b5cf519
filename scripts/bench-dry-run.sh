#!/usr/bin/env bash
# Times `imagebot dry-run` (release build) over a generated GitOps monorepo of 12,500 YAML
# files, about 1,450 of them with markers naming 2,500 policies, all 2,500 results given as
# `--set` on the command line and, in a second run, as one `--set-file`; next to
# `grep -rl '$imagepolicy'` over the same tree. Prints the medians, their ratios, and
# imagebot's peak memory. Called by `make bench`.
# Arguments: [FILES [POLICIES [MARKED_PER_MILLE]]]. BENCH_BIN overrides the directory of the
# imagebot binary (default .build/release).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BENCH_BIN:-$PWD/.build/release}
generator=$PWD/.build/release/ImagebotBench
files=${1:-12500}
policies=${2:-2500}
per_mille=${3:-116}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. scripts/lib/bench.sh

"$generator" monorepo "$work/apps" "$files" "$policies" "$per_mille"
cd "$work"  # no ./policies here: the run uses --set only
for i in $(seq 0 $((policies - 1))); do
    printf -- '--set\nflux-system:app-%s=registry.example.com/platform/app-%s:9.9.%s\n' "$i" "$i" "$i"
done > sets
sed -n 'n;p' sets > results.txt
# One invocation with every --set (xargs -s: room for all of them on one command line).
dry_run="xargs -s 2000000 -a $work/sets -d '\n' $bin/imagebot dry-run $work/apps --output diff"
dry_run_file="$bin/imagebot dry-run $work/apps --set-file $work/results.txt --output diff"
grep_run="grep -rl '\$imagepolicy' $work/apps"

# Check the runs work (and count their changes) before timing them.
marked=$(eval "$grep_run" | wc -l)
changed=$(eval "$dry_run" | grep -c '^+++ ' || true)
changed_file=$(eval "$dry_run_file" | grep -c '^+++ ' || true)
if [ "$changed" != "$changed_file" ]; then
    echo "bench-dry-run: --set changed $changed files, --set-file $changed_file" >&2
    exit 1
fi

hyperfine --style basic --warmup 3 --runs 20 --export-json "$work/times.json" \
    --command-name grep "$grep_run" --command-name imagebot "$dry_run" --command-name set-file "$dry_run_file" >/dev/null
{ read -r grep_ms; read -r imagebot_ms; read -r file_ms; } < <(medians_ms "$work/times.json")
r=$(ratio "$imagebot_ms" "$grep_ms")
echo "dry-run over $files files ($marked with markers, $changed changed), $policies policies (median of 20, warm cache):"
echo "  grep -rl '\$imagepolicy': $grep_ms ms"
echo "  imagebot dry-run, $policies --set: $imagebot_ms ms; ratio ${r}x (target <= 1.5x: $(verdict "$r" 1.5))"
echo "  imagebot dry-run --set-file:  $file_ms ms; ratio $(ratio "$file_ms" "$grep_ms")x"
{ read -r grep_cpu; read -r imagebot_cpu; read -r file_cpu; } < <(cpu_ms "$work/times.json")
echo "  CPU (user + system): grep $grep_cpu ms, imagebot $imagebot_cpu ms (--set-file $file_cpu ms; two threads)"
load_note

rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }
echo "peak RSS of imagebot dry-run: $(rss "$bin/imagebot" dry-run "$work/apps" --set-file results.txt) KiB over $files files"
# Flat in the tree size: the same run over a tree one tenth the size.
"$generator" monorepo "$work/small" $((files / 10)) "$policies" "$per_mille" >/dev/null
echo "peak RSS of imagebot dry-run: $(rss "$bin/imagebot" dry-run "$work/small" --set-file results.txt) KiB over $((files / 10)) files"

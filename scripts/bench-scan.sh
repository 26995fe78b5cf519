#!/usr/bin/env bash
# Times `imagebot scan` over 200 repositories × 500 tags on a local docker-registry, next to
# `curl --parallel` fetching the same 200 tag lists with the same parallelism (4 connections,
# the client's per-registry limit), and prints wall times, requests per second and imagebot's
# peak memory. Called by `make bench`.
# BENCH_BIN overrides the directory of the imagebot binary (default .build/release).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BENCH_BIN:-$PWD/.build/release}
repositories=${1:-200}
tags=${2:-500}
work=$(mktemp -d)
registry_pid=
cleanup() {
    if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

. scripts/lib/registry.sh
. scripts/lib/bench.sh
start_registry "$work"
port=${registry_host#127.0.0.1:}
replicate_tags "$work" "$repositories" "$tags"

mkdir -p "$work/policies"
for r in $(seq -f '%03g' 0 $((repositories - 1))); do
    printf 'apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {name: app-%s, namespace: bench}\nspec: {image: "127.0.0.1:%s/bench/app-%s", interval: 1m}\n---\n' "$r" "$port" "$r"
done > "$work/policies/repositories.yaml"
curl_args=(--parallel --parallel-max 4 --silent --fail)
for r in $(seq -f '%03g' 0 $((repositories - 1))); do
    curl_args+=(-o /dev/null "http://127.0.0.1:$port/v2/bench/app-$r/tags/list?n=1000")
done
printf '%s\n' "${curl_args[@]}" > "$work/curl-args"

scan="$bin/imagebot scan --config $work/policies --state-dir $work/state"
count=$($scan --output json | grep -c '"tagCount" : '"$tags")
echo "imagebot scan sees $count repositories with $tags tags each"

hyperfine --style basic --warmup 2 --runs 10 --export-json "$work/times.json" \
    --command-name curl "xargs -a $work/curl-args -d '\n' curl" --command-name imagebot "$scan" >/dev/null
medians=$(grep -o '"median": *[0-9.e-]*' "$work/times.json" | grep -o '[0-9.e-]*$')
curl_ms=$(echo "$medians" | sed -n 1p | awk '{printf "%.1f", $1 * 1000}')
scan_ms=$(echo "$medians" | sed -n 2p | awk '{printf "%.1f", $1 * 1000}')
echo "scan of $repositories repositories × $tags tags (median of 10, local docker-registry):"
echo "  curl --parallel --parallel-max 4: $curl_ms ms ($(awk -v n="$repositories" -v t="$curl_ms" 'BEGIN {printf "%.0f", n / t * 1000}') requests/s)"
echo "  imagebot scan:                    $scan_ms ms ($(awk -v n="$repositories" -v t="$scan_ms" 'BEGIN {printf "%.0f", n / t * 1000}') requests/s)"
r=$(ratio "$scan_ms" "$curl_ms")
echo "  ratio: ${r}x (target <= 1.3x: $(verdict "$r" 1.3))"
{ read -r curl_cpu; read -r scan_cpu; } < <(cpu_ms "$work/times.json")
echo "  CPU (user + system): curl $curl_cpu ms, imagebot $scan_cpu ms"
load_note
echo "peak RSS of imagebot scan: $(/usr/bin/time -f '%M' $scan 2>&1 >/dev/null | tail -1) KiB (target: under 100 MB)"

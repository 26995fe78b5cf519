#!/usr/bin/env bash
# Memory of the daemon tracking 500 ImageRepositories × 1,000 tags (one semver ImagePolicy
# each) on a local docker-registry: starts `imagebot run`, waits until every repository has
# been scanned and every policy evaluated, lets it rescan for a while, and prints the peak and
# current RSS (target: under 150 MB). Called by `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BENCH_BIN:-$PWD/.build/release}
repositories=${1:-500}
tags=${2:-1000}
soak=${3:-30}
work=$(mktemp -d)
registry_pid=
daemon_pid=
cleanup() {
    if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null || true; fi
    if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

. scripts/lib/registry.sh
start_registry "$work"
port=${registry_host#127.0.0.1:}
replicate_tags "$work" "$repositories" "$tags"

mkdir -p "$work/policies"
for r in $(seq -f '%03g' 0 $((repositories - 1))); do
    printf 'apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {name: app-%s, namespace: bench}\nspec: {image: "127.0.0.1:%s/bench/app-%s", interval: 20s}\n---\n' "$r" "$port" "$r"
    printf 'apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {name: app-%s, namespace: bench}\nspec: {imageRepositoryRef: {name: app-%s}, policy: {semver: {range: ">=1.0.0 <9.0.0"}}}\n---\n' "$r" "$r"
done > "$work/policies/fleet.yaml"

http_port=$(free_port)
"$bin/imagebot" run --config "$work/policies" --state-dir "$work/state" --listen "127.0.0.1:$http_port" \
    --log-format json 2>"$work/daemon.log" &
daemon_pid=$!

# Every policy evaluated: the status API lists a latestRef for each.
start=$(date +%s.%N)
while true; do
    resolved=$(curl -sf "http://127.0.0.1:$http_port/api/v1/status" 2>/dev/null | grep -c '"latestRef" : {' || true)
    [ "$resolved" -ge "$repositories" ] && break
    kill -0 "$daemon_pid" || { cat "$work/daemon.log"; exit 1; }
    sleep 0.5
done
first=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
echo "daemon: $repositories repositories × $tags tags scanned and evaluated in $first s"
sleep "$soak"
scans=$(curl -sf "http://127.0.0.1:$http_port/metrics" | awk '/^imagebot_scans_total\{/ {n += $2} END {print n}')
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$daemon_pid/status")
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$daemon_pid/status")
echo "after a further ${soak} s of 20 s-interval rescans ($scans scans in all):"
echo "  peak RSS: $((hwm / 1024)) MB, current RSS: $((rss / 1024)) MB (target: under 150 MB)"

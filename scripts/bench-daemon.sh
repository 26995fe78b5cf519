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
    [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null
    [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
cat > "$work/registry.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/data}}
http: {addr: "127.0.0.1:$port", secret: bench}
YAML
/usr/bin/docker-registry serve "$work/registry.yml" >/dev/null 2>&1 &
registry_pid=$!

# One real push, then the registry's storage layout replicated (as in bench-scan.sh).
python3 scripts/push_image.py "127.0.0.1:$port" bench/seed 1.0.0 >/dev/null
python3 - "$work/data/docker/registry/v2/repositories/bench" "$repositories" "$tags" <<'PY'
import os, shutil, sys
base, repositories, tags = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seed = os.path.join(base, "seed")
with open(os.path.join(seed, "_manifests", "tags", "1.0.0", "current", "link")) as f:
    link = f.read()
for r in range(repositories):
    target = os.path.join(base, f"app-{r:03d}")
    shutil.copytree(seed, target)
    tag_root = os.path.join(target, "_manifests", "tags")
    shutil.rmtree(os.path.join(tag_root, "1.0.0"))
    for t in range(tags):
        current = os.path.join(tag_root, f"{t // 100}.{t % 100}.{r % 10}", "current")
        os.makedirs(current)
        with open(os.path.join(current, "link"), "w") as f:
            f.write(link)
PY

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

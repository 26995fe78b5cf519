#!/usr/bin/env bash
# Times `imagebot select --tags-file` (the whole process) over 100,000 registry-like tags (the
# ones `ImagebotBench policy` evaluates) next to Flux's engine on the same file: a small Go
# program of ours, scripts/flux-select, that reads the tags and picks with Masterminds/semver
# the way image-reflector-controller does. Prints both medians and their ratio. Called by
# `make bench` (which installs golang-go and golang-github-masterminds-semver-dev).
# BENCH_BIN overrides the directory of the imagebot binary (default .build/release).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BENCH_BIN:-$PWD/.build/release}
count=${1:-100000}
range='>=1.0.0 <2.0.0'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. scripts/lib/bench.sh

GOPATH=/usr/share/gocode GO111MODULE=off GOCACHE="$work/gocache" go build -o "$work/flux-select" ./scripts/flux-select
.build/release/ImagebotBench tags "$work/tags" "$count"

# Both must pick the same tag before their times mean anything.
ours=$("$bin/imagebot" select --semver "$range" --tags-file "$work/tags")
theirs=$("$work/flux-select" "$range" "$work/tags")
if [ "$ours" != "$theirs" ]; then
    echo "bench-select: imagebot picked '$ours', Flux's engine '$theirs'" >&2
    exit 1
fi

hyperfine --style basic --warmup 3 --runs 30 --export-json "$work/times.json" \
    --command-name imagebot "$bin/imagebot select --semver '$range' --tags-file $work/tags" \
    --command-name flux "$work/flux-select '$range' $work/tags" >/dev/null
{ read -r ours_ms; read -r flux_ms; } < <(medians_ms "$work/times.json")
r=$(ratio "$ours_ms" "$flux_ms")
echo "select --tags-file $count tags, semver '$range' -> $ours (whole process, median of 30):"
echo "  imagebot select: $ours_ms ms; Flux engine (Go, Masterminds): $flux_ms ms; ratio $r (target <= 0.33: $(verdict "$r" 0.33))"
{ read -r ours_cpu; read -r flux_cpu; } < <(cpu_ms "$work/times.json")
echo "  CPU (user + system): imagebot $ours_cpu ms, Flux engine $flux_cpu ms"
load_note

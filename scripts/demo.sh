#!/usr/bin/env bash
# `make demo`: the policy engine and the setter rewriter on a local default, no network.
# Picks tags for the two policies in policies/ from a shipped tag list, then shows the exact
# change imagebot would make to demo/apps (nothing is written).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/debug/imagebot
tags=testdata/tags/podinfo.txt
image=localhost:5000/stefanprodan/podinfo

run() {
    {
        printf '$'
        for arg in "$@"; do
            case $arg in
                *[!A-Za-z0-9_./:=@+-]*) printf " '%s'" "${arg//\'/\'\\\'\'}" ;;
                *) printf ' %s' "$arg" ;;
            esac
        done
        echo
    } >&2
    "$@"
}

run $bin validate --config policies
echo >&2
stable=$(run $bin select --semver '>=6.0.0 <7.0.0' --tags-file $tags --explain)
echo "→ flux-system/podinfo selects $stable" >&2
echo >&2
edge=$(run $bin select --numerical --pattern '^main-[a-f0-9]+-(?P<ts>[0-9]+)$' --extract '$ts' --tags-file $tags)
echo "→ flux-system/podinfo-main selects $edge" >&2
echo >&2
run $bin dry-run demo/apps --set "flux-system:podinfo=$image:$stable" --set "flux-system:podinfo-main=$image:$edge"

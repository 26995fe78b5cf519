#!/usr/bin/env bash
# `make demo`: the whole loop on this machine, no internet. Starts a local docker-registry and
# pushes podinfo tags to it, seeds a local Git remote with demo/apps and policies/ (pointed at
# that registry and remote), shows `imagebot dry-run`, pushes with `imagebot run --once`,
# then starts the daemon, pushes a newer tag, fires the registry webhook and shows the
# daemon's commit arriving seconds later. Stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/registry.sh
root=$PWD
bin=$root/.build/debug/imagebot
work=$(mktemp -d /tmp/imagebot-demo.XXXXXX)
registry_pid=
daemon_pid=
cleanup() {
    if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null || true; fi
    if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null; wait "$registry_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
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
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.com GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.com

say "A local OCI registry (Debian's docker-registry) with podinfo tags"
start_registry "$work"
registry=$registry_host
run python3 scripts/push_image.py "$registry" stefanprodan/podinfo 6.5.0 6.6.0 6.7.0 7.0.0 \
    main-1a2b3c4-1731000000 main-9f8e7d6-1732000000 >/dev/null
echo "pushed 6.5.0 6.6.0 6.7.0 7.0.0 main-1a2b3c4-1731000000 main-9f8e7d6-1732000000 to $registry/stefanprodan/podinfo" >&2

say "A Git remote seeded with apps/ and policies/ (the Flux manifests imagebot reads)"
remote=$work/remote.git
git init -q --bare --initial-branch=main "$remote"
git init -q --initial-branch=main "$work/seed"
cp -R demo/apps policies "$work/seed/"
# The shipped files name localhost:5000 and /tmp/imagebot-demo: point them at this demo's.
find "$work/seed" -name '*.yaml' -exec sed -i "s|localhost:5000|$registry|g; s|file:///tmp/imagebot-demo/remote.git|file://$remote|g" {} +
git -C "$work/seed" add .
git -C "$work/seed" commit -qm "apps and policies"
git -C "$work/seed" push -q "$remote" main
git clone -q "$remote" "$work/checkout"
cd "$work/checkout"
find . -path ./.git -prune -o -type f -print | sort >&2

say "What would change: imagebot dry-run (the exact diff, nothing written)"
run "$bin" dry-run ./apps --config ./policies --state-dir "$work/state" || true

say "The commit imagebot would push, from the remote's tip"
run "$bin" dry-run --automation flux-system/apps --config ./policies --state-dir "$work/state" >/dev/null

say "imagebot run --once: scan, select, rewrite, commit, push"
run "$bin" run --once --config ./policies --state-dir "$work/state"
run git --git-dir "$remote" log -p -1 --format='commit %H%nAuthor: %an <%ae>%n%n%B' main

say "The daemon: imagebot run, with a registry webhook"
http_port=$(free_port)
echo "demo-token" > "$work/hook-token"
"$bin" run --config ./policies --state-dir "$work/state" --listen "127.0.0.1:$http_port" \
    --hook-token-file "$work/hook-token" 2>"$work/daemon.log" &
daemon_pid=$!
echo "imagebot run --listen 127.0.0.1:$http_port --hook-token-file … (pid $daemon_pid, log in $work/daemon.log)" >&2
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
run curl -sf "http://127.0.0.1:$http_port/readyz"
before=$(git --git-dir "$remote" rev-parse main)
run python3 "$root/scripts/push_image.py" "$registry" stefanprodan/podinfo 6.7.1 >/dev/null
start=$(date +%s.%N)
run curl -sf -X POST -H "Authorization: Bearer demo-token" "http://127.0.0.1:$http_port/hooks/podinfo"
for _ in $(seq 300); do
    [ "$(git --git-dir "$remote" rev-parse main)" != "$before" ] && break
    sleep 0.05
done
after=$(git --git-dir "$remote" rev-parse main)
if [ "$after" = "$before" ]; then
    echo "the daemon did not push within 15 s; its log:" >&2
    cat "$work/daemon.log" >&2
    exit 1
fi
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.2f", e - s}')
echo "→ the daemon pushed ${after:0:7} ${elapsed} s after the webhook" >&2
run git --git-dir "$remote" log -p -1 --format='commit %H%nAuthor: %an <%ae>%n%n%B' main
say "What the daemon reports"
run curl -sf "http://127.0.0.1:$http_port/api/v1/status" | grep -E '"(lastPushCommit|tag|lastResult)"' | sed 's/^ */  /' >&2
run curl -sf "http://127.0.0.1:$http_port/metrics" | grep -E '^imagebot_(commits_pushed_total|tag_to_commit_seconds_(count|sum))' >&2
say "Stopping the daemon (SIGTERM) and the registry"
kill "$daemon_pid"
wait "$daemon_pid" && echo "imagebot exited 0" >&2
daemon_pid=

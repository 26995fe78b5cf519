#!/usr/bin/env bash
# make test-container: the image from `make image`, started by `podman kube play` on
# deploy/kubernetes/deployment.yaml as written (uid 65532, read-only root filesystem, probes,
# the ConfigMap and Secret volumes), with a ConfigMap of Flux objects and the two Secrets it
# mounts, made here for a registry and a smart-HTTP Git remote on this host. The pod shares the
# host's network (`--network host`), so both are reached on 127.0.0.1.
#
# Checks: the pod becomes ready; a pushed tag plus the registry webhook gives a commit on the
# remote; /metrics and /api/v1/status answer; nothing outside the state dir and /tmp changed in
# the container; stopping the pod (SIGTERM) ends imagebot with status 0 within the grace
# period; a restarted pod pushes nothing twice. Needs root and the image; prints each step.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/registry.sh
export CONTAINERS_CONF=$PWD/deploy/podman/containers.conf
IMAGE=${IMAGE:-localhost/imagebot:latest}
work=$(mktemp -d /tmp/imagebot-container.XXXXXX)
registry_pid=
git_pid=
pass=0
fail=0
cleanup() {
    podman kube down "$work/play.yaml" >/dev/null 2>&1 || true
    [ -n "$git_pid" ] && kill "$git_pid" 2>/dev/null
    [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
say() { printf '\n== %s\n' "$*" >&2; }
check() {  # check DESCRIPTION COMMAND...: one line per assertion
    local what=$1
    shift
    if "$@"; then echo "ok: $what"; pass=$((pass + 1)); else echo "FAILED: $what"; fail=$((fail + 1)); fi
}
eventually() {  # eventually SECONDS COMMAND...
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.5
    done
}

podman image exists "$IMAGE" || { echo "test-container: $IMAGE not found: run make image first" >&2; exit 2; }
port=8080
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "test-container: port $port is taken (the Deployment listens there)" >&2
    exit 2
fi

say "A registry and a smart-HTTP Git remote on this host"
start_registry "$work"
python3 scripts/push_image.py "$registry_host" acme/app 1.0.0 1.1.0 >/dev/null
git init -q --bare --initial-branch=main "$work/git/fleet.git"
git init -q --initial-branch=main "$work/seed"
mkdir -p "$work/seed/apps"
echo "image: $registry_host/acme/app:1.0.0 # {\"\$imagepolicy\": \"flux-system:app\"}" > "$work/seed/apps/deploy.yaml"
git -C "$work/seed" add . && git -C "$work/seed" -c user.name=seed -c user.email=seed@example.com commit -qm seed
git -C "$work/seed" push -q "$work/git/fleet.git" main
git_password="container-test-$RANDOM$RANDOM"
mkfifo "$work/git-stdin"
python3 scripts/git-http-server.py "$work/git" --user bot --password "$git_password" < "$work/git-stdin" > "$work/git-port" &
git_pid=$!
exec 9> "$work/git-stdin"  # held open: the server lives as long as this script
eventually 10 grep -q PORT "$work/git-port"
git_url="http://127.0.0.1:$(awk '/PORT/{print $2}' "$work/git-port")/fleet.git"
remote_commits() { git --git-dir "$work/git/fleet.git" rev-list --count main; }

say "The ConfigMap and Secrets deploy/kubernetes/deployment.yaml mounts"
token="hook-$RANDOM$RANDOM"
b64() { printf '%s' "$1" | base64 -w0; }
{
    cat <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: imagebot-policies}
data:
  policies.yaml: |
    apiVersion: image.toolkit.fluxcd.io/v1
    kind: ImageRepository
    metadata: {name: app, namespace: flux-system}
    spec: {image: "$registry_host/acme/app", interval: 1h}
    ---
    apiVersion: image.toolkit.fluxcd.io/v1
    kind: ImagePolicy
    metadata: {name: app, namespace: flux-system}
    spec: {imageRepositoryRef: {name: app}, policy: {semver: {range: "1.x"}}}
    ---
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: GitRepository
    metadata: {name: fleet, namespace: flux-system}
    spec: {url: "$git_url", interval: 1m, ref: {branch: main}, secretRef: {name: git-credentials}}
    ---
    apiVersion: image.toolkit.fluxcd.io/v1
    kind: ImageUpdateAutomation
    metadata: {name: fleet, namespace: flux-system}
    spec:
      interval: 1h
      sourceRef: {kind: GitRepository, name: fleet}
      git:
        commit: {author: {name: imagebot, email: bot@example.com}}
        push: {branch: main}
      update: {path: ./apps}
---
apiVersion: v1
kind: Secret
metadata: {name: git-credentials}
data: {username: $(b64 bot), password: $(b64 "$git_password")}
---
apiVersion: v1
kind: Secret
metadata: {name: imagebot-hook-token}
data: {token: $(b64 "$token")}
---
YAML
    cat deploy/kubernetes/deployment.yaml
} > "$work/play.yaml"

say "podman kube play (host network: the pod reaches 127.0.0.1 of this host)"
podman kube play --network host "$work/play.yaml"
container=$(podman ps --filter label=io.kubernetes.pod.name --format '{{.Names}}' | grep imagebot | grep -v infra | head -1)
echo "container: $container"
check "the pod becomes ready (/readyz)" eventually 60 curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"
check "runs as uid 65532 on a read-only root filesystem" \
    test "$(podman inspect --format '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}' "$container")" = "65532:65532 true"
seed_commits=$(remote_commits)
check "the first run pushes 1.1.0" eventually 60 test "$(remote_commits)" -gt "$seed_commits"

say "A new tag and the registry webhook"
before=$(remote_commits)
python3 scripts/push_image.py "$registry_host" acme/app 1.2.0 >/dev/null
check "webhook accepted" curl -sf -o /dev/null -X POST -H "Authorization: Bearer $token" "http://127.0.0.1:$port/hooks/app"
check "a commit with 1.2.0 reaches the remote" eventually 30 test "$(remote_commits)" -gt "$before"
check "the remote has 1.2.0" sh -c "git --git-dir '$work/git/fleet.git' show main:apps/deploy.yaml | grep -q 'acme/app:1.2.0'"
check "/metrics answers" sh -c "curl -sf http://127.0.0.1:$port/metrics | grep -q imagebot_commits_pushed_total"
check "/api/v1/status answers" sh -c "curl -sf http://127.0.0.1:$port/api/v1/status | grep -q lastPushCommit"
check "nothing outside the volumes changed (podman diff)" test -z "$(podman diff "$container" | grep -v -E ' /(var/lib/imagebot|tmp|etc/imagebot)(/|$)' || true)"

say "SIGTERM (podman pod stop, grace 45 s) and a restart"
pod=$(podman inspect --format '{{.Pod}}' "$container")
start=$SECONDS
podman pod stop -t 45 "$pod" >/dev/null
took=$((SECONDS - start))
check "imagebot exits 0 on SIGTERM" test "$(podman inspect --format '{{.State.ExitCode}}' "$container")" = 0
check "within the grace period ($took s)" test "$took" -lt 45
pushed=$(remote_commits)
podman kube down "$work/play.yaml" >/dev/null
podman kube play --network host "$work/play.yaml" >/dev/null
check "the restarted pod becomes ready" eventually 60 curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"
# The restarted pod starts with an empty state dir (emptyDir): its first run scans, evaluates
# and compares with the remote before this check counts the commits.
check "the restarted pod ran its automation" eventually 60 sh -c "curl -sf http://127.0.0.1:$port/api/v1/status | grep -q lastAutomationRunTime"
check "a restart pushes nothing twice" test "$(remote_commits)" = "$pushed"

echo
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]

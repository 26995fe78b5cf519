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
more_commits_than() { test "$(remote_commits)" -gt "$1"; }  # evaluated anew on every try

say "The ConfigMap and the Secrets deploy/kubernetes/deployment.yaml mounts"
token="hook-$RANDOM$RANDOM"
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
YAML
    # Two changes to deployment.yaml, everything else as written: podman 4.3 (Debian 12) panics
    # on Secret volumes in kube play, so the two Secrets are hostPath directories holding the
    # same files (uid 65532, the Deployment's mode 0440); and the port list goes (below).
    python3 - "$work/secrets" deploy/kubernetes/deployment.yaml <<'PY'
import re, sys
secrets, path = sys.argv[1], sys.argv[2]
text = open(path).read()
def host_path(match):
    indent, name = match.group(1), match.group(2)
    return f"{indent}hostPath:\n{indent}  path: {secrets}/{name}\n{indent}  type: Directory\n"
text, count = re.subn(r"( +)secret:\n +secretName: (\S+)\n +defaultMode: 0440\n", host_path, text)
assert count == 2, count
# The pod shares the host's network, where a port cannot be mapped: the port list goes (the
# daemon listens on :8080 of the host, as --listen says).
text, count = re.subn(r" +ports:\n +- name: http\n +containerPort: 8080\n +protocol: TCP\n", "", text)
assert count == 1, count
sys.stdout.write(text)
PY
} > "$work/play.yaml"
for secret in git-credentials imagebot-hook-token; do mkdir -p "$work/secrets/$secret"; done
printf bot > "$work/secrets/git-credentials/username"
printf '%s' "$git_password" > "$work/secrets/git-credentials/password"
printf '%s' "$token" > "$work/secrets/imagebot-hook-token/token"
chown -R 65532:65532 "$work/secrets"
chmod 0440 "$work/secrets"/*/*
chmod 0550 "$work/secrets"/*

seed_commits=$(remote_commits)
say "podman kube play (host network: the pod reaches 127.0.0.1 of this host)"
podman kube play --network host "$work/play.yaml"
# kube play names a Deployment's pod <name>-pod(-N) and its container <pod>-<container name>.
container=$(podman ps --format '{{.Names}}' | grep -E '^imagebot-pod.*-imagebot$' | head -1 || true)
echo "container: $container"
check "the pod becomes ready (/readyz)" eventually 60 curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"
check "runs as uid 65532 on a read-only root filesystem" \
    test "$(podman inspect --format '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}' "$container")" = "65532:65532 true"
check "the first run pushes 1.1.0" eventually 60 more_commits_than "$seed_commits"

say "A new tag and the registry webhook"
before=$(remote_commits)
python3 scripts/push_image.py "$registry_host" acme/app 1.2.0 >/dev/null
check "webhook accepted" curl -sf -o /dev/null -X POST -H "Authorization: Bearer $token" "http://127.0.0.1:$port/hooks/app"
check "a commit with 1.2.0 reaches the remote" eventually 30 more_commits_than "$before"
check "the remote has 1.2.0" sh -c "git --git-dir '$work/git/fleet.git' show main:apps/deploy.yaml | grep -q 'acme/app:1.2.0'"
check "/metrics answers" sh -c "curl -sf http://127.0.0.1:$port/metrics | grep -q imagebot_commits_pushed_total"
check "/api/v1/status answers" sh -c "curl -sf http://127.0.0.1:$port/api/v1/status | grep -q lastPushCommit"
# `C /etc` alone is podman's own: it bind-mounts /etc/hosts, /etc/hostname and resolv.conf.
changed=$(podman diff "$container" | grep -v -E ' /(var/lib/imagebot|tmp|etc/imagebot)(/|$)|^C /etc$' || true)
[ -n "$changed" ] && echo "changed outside the volumes: $changed"
check "nothing outside the volumes changed (podman diff)" test -z "$changed"

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

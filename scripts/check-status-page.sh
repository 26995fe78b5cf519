#!/usr/bin/env bash
# The daemon's status page in a real browser: starts a local registry, a bare Git remote and
# `imagebot run` on a small fleet (one automation that pushes, one whose remote cannot exist
# and whose URL carries markup, one repository that does not exist), waits for the push, then
# has headless Chromium (Debian's `chromium`) take a screenshot and dump the DOM, and checks
# the DOM: the three tables and the failures, the pushed commit, the hostile text escaped and
# no script. Also prints `imagebot status` at 100 columns. Not part of `make test` (slow).
#
# Usage: scripts/check-status-page.sh [OUTPUT_DIR]   (default .build/status-page)
# Leaves OUTPUT_DIR/status-page.png (1280×900), status-page-full.png (1280×1500),
# status-page-narrow.png (420×900), status-page.dom.html and status.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-.build/status-page}" && cd "${1:-.build/status-page}" && pwd)
bin=${IMAGEBOT_BIN:-$PWD/.build/debug/imagebot}
[ -x "$bin" ] || swift build --product imagebot
command -v chromium >/dev/null || { echo "check-status-page: needs Debian's chromium (apt-get install -y chromium)" >&2; exit 2; }

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
fail() { echo "check-status-page: $*" >&2; exit 1; }

. scripts/lib/registry.sh
start_registry "$work"
for _ in $(seq 50); do curl -sf "http://$registry_host/v2/" >/dev/null && break; sleep 0.1; done
python3 scripts/push_image.py "$registry_host" acme/web 1.0.0 1.1.0 1.2.0 >/dev/null
python3 scripts/push_image.py "$registry_host" acme/api 2.3.0 2.4.1 >/dev/null

# The Git remote: two marked images, both one version behind.
git init -q --bare --initial-branch=main "$work/remote.git"
git init -q --initial-branch=main "$work/seed"
mkdir -p "$work/seed/apps"
cat > "$work/seed/apps/deploy.yaml" <<YAML
spec:
  containers:
    - image: $registry_host/acme/web:1.0.0 # {"\$imagepolicy": "shop:web"}
    - image: $registry_host/acme/api:2.3.0 # {"\$imagepolicy": "shop:api"}
YAML
git -C "$work/seed" add . && git -C "$work/seed" -c user.name=seed -c user.email=seed@example.com commit -qm seed
git -C "$work/seed" push -q "$work/remote.git" main

mkdir -p "$work/policies"
cat > "$work/policies/fleet.yaml" <<YAML
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: web, namespace: shop}
spec: {image: "$registry_host/acme/web", interval: 1m}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: api, namespace: shop}
spec: {image: "$registry_host/acme/api", interval: 5m}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: ghost, namespace: shop}
spec: {image: "$registry_host/acme/ghost", interval: 1m}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: web, namespace: shop}
spec: {imageRepositoryRef: {name: web}, policy: {semver: {range: "^1.0"}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: api, namespace: shop}
spec: {imageRepositoryRef: {name: api}, digestReflectionPolicy: Always, interval: 5m, policy: {semver: {range: ">=2.0.0"}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: ghost, namespace: shop}
spec: {imageRepositoryRef: {name: ghost}, policy: {alphabetical: {order: asc}}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fleet, namespace: shop}
spec: {url: "file://$work/remote.git", interval: 1m, ref: {branch: main}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: elsewhere, namespace: shop}
spec: {url: "file:///nonexistent/<script>alert(1)</script>.git", interval: 1m, ref: {branch: main}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: apps, namespace: shop}
spec:
  interval: 10m
  sourceRef: {kind: GitRepository, name: fleet}
  git:
    commit: {author: {name: imagebot, email: bot@example.com}}
    push: {branch: main}
  update: {path: ./apps, strategy: Setters}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: broken, namespace: shop}
spec:
  interval: 10m
  sourceRef: {kind: GitRepository, name: elsewhere}
  git:
    commit: {author: {name: imagebot, email: bot@example.com}}
    push: {branch: main}
  update: {path: ./apps, strategy: Setters}
YAML

http_port=$(free_port)
server=http://127.0.0.1:$http_port
"$bin" run --config "$work/policies" --state-dir "$work/state" --listen "127.0.0.1:$http_port" \
    --log-format json 2>"$work/daemon.log" &
daemon_pid=$!

# Wait for the push (the remote's main moves) and for the broken automation's failure.
seeded=$(git --git-dir "$work/remote.git" rev-parse main)
for _ in $(seq 300); do
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log" >&2; fail "the daemon exited"; }
    head=$(git --git-dir "$work/remote.git" rev-parse main)
    status=$(curl -sf "$server/api/v1/status" || true)
    if [ "$head" != "$seeded" ] && grep -q "\"lastPushCommit\" : \"$head\"" <<<"$status" \
        && grep -q '"status" : "False"' <<<"$status"; then
        break
    fi
    sleep 0.2
done
[ "$head" != "$seeded" ] || { cat "$work/daemon.log" >&2; fail "no push within 60 s"; }

COLUMNS=100 "$bin" status --server "$server" | tee "$out/status.txt"

chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,900 \
    --screenshot="$out/status-page.png" "$server/" 2>/dev/null
# The whole page, and a phone-width view (the tables must stay usable there too).
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1500 \
    --screenshot="$out/status-page-full.png" "$server/" 2>/dev/null
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=420,900 \
    --screenshot="$out/status-page-narrow.png" "$server/" 2>/dev/null
chromium --headless --no-sandbox --disable-gpu --dump-dom "$server/" 2>/dev/null >"$out/status-page.dom.html"
[ -s "$out/status-page.png" ] || fail "no screenshot"

dom=$out/status-page.dom.html
for table in repositories policies automations failures recent-failures; do
    grep -q "<table id=\"$table\">" "$dom" || fail "the DOM has no table#$table"
done
grep -q "${head:0:12}" "$dom" || fail "the pushed commit ${head:0:12} is not on the page"
grep -q "acme/web:1.2.0" "$dom" || fail "the selected image acme/web:1.2.0 is not on the page"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$dom" || fail "the hostile URL is not shown escaped"
! grep -qi '<script' "$dom" || fail "the page has a script element"
echo "check-status-page: ok: $out/status-page.png, $dom"

#!/usr/bin/env bash
# Times `imagebot run --once` against a file:// Git remote of 20,000 files and 2,000 commits
# (50 marked files under apps/), warm cache: a run that rewrites the 50 files, commits and
# pushes, next to the same work with the git CLI in a warm clone (fetch, reset, sed, commit,
# push); then a run with nothing to do, with and without the state-file shortcut. Prints the
# medians, their ratio and imagebot's peak memory. Called by `make bench`.
# BENCH_BIN overrides the directory of the imagebot binary (default .build/release).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BENCH_BIN:-$PWD/.build/release}
files=${1:-20000}
commits=${2:-2000}
marked=50
runs=10
work=$(mktemp -d)
registry_pid=
cleanup() {
    if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. scripts/lib/registry.sh
start_registry "$work"
port=${registry_host#127.0.0.1:}
python3 scripts/push_image.py "127.0.0.1:$port" bench/app 1.0.0 1.1.0 >/dev/null

# The remote: `commits` commits of `files / commits` new small YAML files each (plus one edit of
# an older file), written with git fast-import. Three quarters of the files are under apps/,
# the rest under infra/; `marked` files spread over apps/team-*/ carry the marker.
remote=$work/remote.git
git init -q --bare --initial-branch=main "$remote"
start=$(date +%s.%N)
python3 - "$files" "$commits" "$marked" "127.0.0.1:$port" "$work/marked-files" <<'PY' |
import sys
files, commits, marked, registry, marked_list = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
per_commit = -(-files // commits)
stride = files // marked
marked_index = {k * stride + stride // 2: k for k in range(marked)}

def path(f):
    if f in marked_index:
        k = marked_index[f]
        return f"apps/team-{k % 10:02d}/svc-{k:02d}/deploy-{f:05d}.yaml"
    if f % 4 == 3:
        return f"infra/group-{f % 20:02d}/config-{f:05d}.yaml"
    return f"apps/team-{f % 40:02d}/svc-{(f // 40) % 25:02d}/deploy-{f:05d}.yaml"

def content(f, revision):
    team = f"team-{f % 40:02d}"
    if f in marked_index:
        image = f'{registry}/bench/app:1.0.0 # {{"$imagepolicy": "bench:app"}}'
    else:
        image = f"registry.example.com/{team}/svc-{f:05d}:2.{f % 7}.{revision}"
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-{f:05d}\n  namespace: {team}\n"
            f"spec:\n  replicas: {1 + revision % 3}\n  template:\n    spec:\n      containers:\n"
            f"        - name: app\n          image: {image}\n").encode()

with open(marked_list, "w") as out:
    out.writelines(name + "\n" for name in sorted(path(f) for f in marked_index))
stream = sys.stdout.buffer
revisions = {}
added = 0
for c in range(commits):
    changes = []
    for _ in range(per_commit):
        if added < files:
            revisions[added] = 0
            changes.append(added)
            added += 1
    if c > 0:  # edit an older, unmarked file
        old = (c * 7919) % added
        if old not in marked_index and old not in changes:
            revisions[old] += 1
            changes.append(old)
    message = f"commit {c}\n".encode()
    when = 1700000000 + c * 60
    stream.write(b"commit refs/heads/main\n")
    stream.write(f"committer Bench <bench@example.com> {when} +0000\n".encode())
    stream.write(b"data %d\n%s\n" % (len(message), message))
    for f in changes:
        data = content(f, revisions[f])
        stream.write(b"M 100644 inline %s\ndata %d\n%s\n" % (path(f).encode(), len(data), data))
PY
git --git-dir "$remote" fast-import --quiet
git --git-dir "$remote" repack -adq
base=$(git --git-dir "$remote" rev-parse main)
generated=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
marked_files=$(cat "$work/marked-files")
echo "generated $(git --git-dir "$remote" ls-tree -r main | wc -l) files, $(git --git-dir "$remote" rev-list --count main) commits, $(wc -l < "$work/marked-files") marked, in $generated s (fast-import + repack)"

mkdir -p "$work/policies" "$work/secrets"
cat > "$work/policies/fleet.yaml" <<YAML
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: app, namespace: bench}
spec: {image: "127.0.0.1:$port/bench/app", interval: 1m}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: app, namespace: bench}
spec: {imageRepositoryRef: {name: app}, policy: {semver: {range: "^1.0"}}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fleet, namespace: bench}
spec: {url: "file://$remote", interval: 1m, ref: {branch: main}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: apps, namespace: bench}
spec:
  interval: 10m
  sourceRef: {kind: GitRepository, name: fleet}
  git:
    commit:
      author: {name: imagebot, email: bot@example.com}
      messageTemplate: |
        Automation: {{ .AutomationObject }}
        {{ range .Changed.Changes -}}
        - {{ .OldValue }} -> {{ .NewValue }} ({{ .Setter }})
        {{ end -}}
    push: {branch: main}
  update: {path: ./apps, strategy: Setters}
YAML
state=$work/state
run="$bin/imagebot run --once --config $work/policies --secrets-dir $work/secrets --state-dir $state"
reset="git --git-dir $remote update-ref refs/heads/main $base"
state_file=$state/automations/bench/apps.state

# Checks that the remote's main is one commit by $1 on top of base rewriting exactly the marked files.
check_push() {  # $1: expected author name, $2: what is checked
    local parent author changed
    parent=$(git --git-dir "$remote" rev-parse main~1)
    author=$(git --git-dir "$remote" log -1 --format=%an main)
    changed=$(git --git-dir "$remote" diff --name-only main~1 main)
    if [ "$parent" != "$base" ] || [ "$author" != "$1" ] || [ "$changed" != "$marked_files" ]; then
        echo "$2: expected a commit by $1 on top of $base changing the $marked marked files, got one by $author:" >&2
        git --git-dir "$remote" diff --stat main~1 main >&2
        exit 1
    fi
}

# Warm-up (fills the cache under --state-dir; a file:// clone), next to a bare clone by git,
# then one warm change run, checked.
start=$(date +%s.%N)
git clone -q --bare "file://$remote" "$work/reference.git"
clone_ms=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.0f", (e - s) * 1000}')
rm -rf "$work/reference.git"
start=$(date +%s.%N)
out=$($run)
cold_ms=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.0f", (e - s) * 1000}')
case $out in *"pushed commit"*) ;; *) echo "first run did not push: $out" >&2; exit 1 ;; esac
check_push imagebot "first run"
echo "first run (cold cache): $cold_ms ms, ${out%% \[*} (git clone --bare: $clone_ms ms)"
$reset
out=$($run)
case $out in *"pushed commit"*) ;; *) echo "warm run did not push: $out" >&2; exit 1 ;; esac
check_push imagebot "warm run"
echo "warm change run: $(git --git-dir "$remote" diff --shortstat main~1 main | sed 's/^ *//')"

# The git CLI's warm clone, and one checked run of the timed command.
git clone -q "file://$remote" "$work/clone"
git -C "$work/clone" config user.name git
git -C "$work/clone" config user.email git@example.com
sed "s|^|$work/clone/|" "$work/marked-files" > "$work/marked-paths"
git_run="cd $work/clone && git fetch -q origin && git reset -q --hard origin/main && xargs -a $work/marked-paths sed -i 's|/bench/app:1.0.0|/bench/app:1.1.0|' && git commit -qam 'bump bench/app to 1.1.0' && git push -q origin HEAD:main"
$reset
bash -c "$git_run"
check_push git "git CLI run"

hyperfine --style basic --warmup 1 --runs $runs --prepare "$reset" --export-json "$work/change.json" \
    --command-name git "$git_run" --command-name imagebot "$run" >/dev/null
check_push imagebot "last timed run"

# Nothing to do: the remote is at imagebot's last push, with the shortcut (the state file
# matches: one ref lookup) and without it (the state file removed: fetch, compare, no commit).
out=$($run)
case $out in *"no change since the last run"*) ;; *) echo "expected the state-file shortcut: $out" >&2; exit 1 ;; esac
head=$(git --git-dir "$remote" rev-parse main)
hyperfine --style basic --warmup 1 --runs 20 --export-json "$work/nochange.json" \
    --command-name shortcut "$run" >/dev/null
hyperfine --style basic --warmup 1 --runs $runs --prepare "rm -f $state_file" --export-json "$work/full.json" \
    --command-name full "$run" >/dev/null
rm -f "$state_file"
out=$($run)
case $out in *"no changes: every marked value"*) ;; *) echo "expected a full no-change run: $out" >&2; exit 1 ;; esac
[ "$(git --git-dir "$remote" rev-parse main)" = "$head" ] || { echo "a no-change run moved main" >&2; exit 1; }

medians() { grep -o '"median": *[0-9.e-]*' "$1" | grep -o '[0-9.e-]*$' | awk '{printf "%.1f\n", $1 * 1000}'; }
git_ms=$(medians "$work/change.json" | sed -n 1p)
change_ms=$(medians "$work/change.json" | sed -n 2p)
shortcut_ms=$(medians "$work/nochange.json")
full_ms=$(medians "$work/full.json")
echo "run --once over $files files, $commits commits, $marked marked files (median of $runs, warm cache, file:// remote):"
echo "  git CLI (fetch, reset, sed, commit, push): $git_ms ms"
echo "  imagebot run --once, $marked files changed:    $change_ms ms"
echo "  ratio: $(awk -v a="$change_ms" -v b="$git_ms" 'BEGIN {printf "%.2f", a / b}')x (target: at most 1.0x)"
echo "  imagebot run --once, no change:           $shortcut_ms ms (median of 20; target: under 100 ms)"
echo "  imagebot run --once, no change, no state: $full_ms ms"
$reset
rss=$(/usr/bin/time -f '%M' -o "$work/rss" $run >/dev/null && cat "$work/rss")
check_push imagebot "peak RSS run"
echo "peak RSS of imagebot run --once ($marked files changed): $rss KiB"

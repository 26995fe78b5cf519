# Sourced by the benchmark and demo scripts: a local registry and the helpers around it.

# A free TCP port on the loopback interface.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_registry DIR: Debian's docker-registry on a free loopback port, storage under DIR/data.
# Sets registry_host (127.0.0.1:PORT) and registry_pid (the caller's cleanup kills it).
start_registry() {
    local dir=$1 port
    port=$(free_port)
    cat > "$dir/registry.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $dir/data}}
http: {addr: "127.0.0.1:$port", secret: local}
YAML
    /usr/bin/docker-registry serve "$dir/registry.yml" >/dev/null 2>&1 &
    registry_pid=$!
    registry_host=127.0.0.1:$port
}

# replicate_tags DIR REPOSITORIES TAGS: pushes one image as bench/seed:1.0.0, then lays out
# bench/app-000… in the registry's own storage format, each with TAGS tags (`a.b.c`). Pushing
# that many manifests over HTTP would take minutes and measure the registry's write path.
replicate_tags() {
    local dir=$1 repositories=$2 tags=$3
    python3 scripts/push_image.py "$registry_host" bench/seed 1.0.0 >/dev/null
    python3 - "$dir/data/docker/registry/v2/repositories/bench" "$repositories" "$tags" <<'PY'
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
}

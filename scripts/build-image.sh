#!/usr/bin/env bash
# make image: the runtime image built without a Docker engine, from what Debian packages:
#  1. a release binary compiled on this bookworm host (-static-stdlib, checked to load no Swift
#     library), in .build-image/;
#  2. a Debian 12 base made once with debootstrap (minbase plus the runtime libraries), imported
#     into podman's store as localhost/imagebot-base:bookworm;
#  3. deploy/Dockerfile built by podman with BINARY_SOURCE=host, so the Docker path and this one
#     share one file.
# Prints the image's size. Needs root (debootstrap, podman's store). IMAGE overrides the tag.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${IMAGE:-localhost/imagebot:latest}
BASE=localhost/imagebot-base:bookworm
WORK=.build-image
SWIFT=${SWIFT:-swift}
export CONTAINERS_CONF=$PWD/deploy/podman/containers.conf
# The runtime stage's packages (deploy/Dockerfile's RUNTIME_PACKAGES), put in the base so the
# image build needs no network.
PACKAGES=ca-certificates,libcurl4,libgit2-1.5,libyaml-0-2,libpcre2-8-0,libstdc++6,gnupg,openssh-client

echo "build-image: release binary (-static-stdlib)"
"$SWIFT" build -c release --product imagebot -Xswiftc -static-stdlib --scratch-path "$WORK"
binary="$("$SWIFT" build -c release --scratch-path "$WORK" --show-bin-path)/imagebot"
if ldd "$binary" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime'; then
    echo "build-image: $binary loads Swift libraries; -static-stdlib did not take" >&2
    exit 1
fi
mkdir -p "$WORK/context"
install -m 0755 "$binary" "$WORK/context/imagebot"
strip "$WORK/context/imagebot"

if ! podman image exists "$BASE"; then
    echo "build-image: Debian 12 base with debootstrap (once)"
    rm -rf "$WORK/rootfs"
    debootstrap --variant=minbase --include="$PACKAGES" bookworm "$WORK/rootfs" http://deb.debian.org/debian
    rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
    tar -C "$WORK/rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$BASE"
    rm -rf "$WORK/rootfs"
fi

echo "build-image: $IMAGE"
podman build --network none -f deploy/Dockerfile \
    --build-arg BINARY_SOURCE=host --build-arg RUNTIME_IMAGE="$BASE" -t "$IMAGE" "$WORK/context"
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
echo "build-image: $IMAGE is $((size / 1000000)) MB ($size bytes; base $(( $(podman image inspect --format '{{.Size}}' "$BASE") / 1000000 )) MB)"

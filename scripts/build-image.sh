#!/usr/bin/env bash
# Builds crew's image on a machine with no registry: the binaries are built here (static Swift standard library),
# the root filesystem made by scripts/image-rootfs.sh, and the image built FROM scratch with buildah, with the same
# final stage as the Containerfile. Then `crew --version` runs from the image's own files. Usage: build-image.sh [TAG]
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-localhost/crew:dev}
build=.build-static
swift build -c release --static-swift-stdlib --product crew --build-path "$build"
swift build -c release --static-swift-stdlib --product crew-mcp --build-path "$build"
swift build -c release --static-swift-stdlib --product crew-server --build-path "$build"
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
bash scripts/image-rootfs.sh "$context/rootfs" "$build/release/crew" "$build/release/crew-mcp" "$build/release/crew-server"
# The Containerfile's final stage, from the folder instead of the build stage.
sed -n '/^FROM scratch/,$p' Containerfile | sed 's#COPY --from=build /rootfs/ /#COPY rootfs/ /#' > "$context/Containerfile"
buildah bud -q -t "$tag" "$context"
# Run crew from the image: a container where the runtime may set limits; else from the image's files (chroot).
if podman run --rm "$tag" --version 2>/dev/null; then exit 0; fi
echo "podman cannot start a container here; running crew from the image's root filesystem instead" >&2
container=$(buildah from "$tag")
mount=$(buildah mount "$container")
# Swift reads a program's arguments from /proc/self/cmdline: a container runtime mounts /proc, so does this.
mount -t proc proc "$mount/proc"
chroot --userspec=10001:10001 "$mount" /usr/local/bin/crew --version || status=$?
umount "$mount/proc"
buildah umount "$container" >/dev/null
buildah rm "$container" >/dev/null
exit "${status:-0}"

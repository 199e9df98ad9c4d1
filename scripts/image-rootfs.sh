#!/usr/bin/env bash
# Fills ROOT with what crew's image needs and nothing more: the binaries given, the shared libraries they load (as
# ldd lists them, with the loader), stripped of debug symbols, CA certificates (providers are reached over HTTPS), and a non-root user `crew`
# (10001) with a home and /tmp. Usage: image-rootfs.sh ROOT BINARY...
set -euo pipefail
root=$1
shift
mkdir -p "$root/usr/local/bin" "$root/etc/ssl/certs" "$root/tmp" "$root/home/crew" "$root/crews" "$root/data" \
    "$root/proc"
chmod 1777 "$root/tmp"
for binary in "$@"; do
    # Without debug symbols: a static Swift standard library makes them most of the file.
    strip -o "$root/usr/local/bin/$(basename "$binary")" "$binary"
    ldd "$binary" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | while read -r library; do
        mkdir -p "$root$(dirname "$library")"
        cp -L "$library" "$root$library"
    done
done
cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/sbin/nologin\ncrew:x:10001:10001:crew:/home/crew:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\ncrew:x:10001:\n' > "$root/etc/group"
chown -R 10001:10001 "$root/home/crew" "$root/crews" "$root/data"

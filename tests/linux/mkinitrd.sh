#!/bin/sh
# mkinitrd.sh BUSYBOX OUT -- an initramfs (newc cpio, gzip) with BUSYBOX as /bin/busybox
# and tests/linux/init.sh as /init.
set -eu
busybox=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM
mkdir -p "$dir/bin" "$dir/dev" "$dir/proc" "$dir/sys"
cp "$busybox" "$dir/bin/busybox"
cp "$here/init.sh" "$dir/init"
chmod 755 "$dir/init" "$dir/bin/busybox"
# Fixed owners and times, and no inode or device numbers (--reproducible), so that the
# archive is the same on every machine and every run.
find "$dir" -exec touch -h -d @0 {} +
(cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -n -9 >"$out.tmp"
mv "$out.tmp" "$out"

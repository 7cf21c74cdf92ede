#!/bin/sh
# fetch.sh CACHE -- download Debian's i386 Linux kernels (686 and 686-pae), busybox-static
# for i386 and memtest86+, and unpack them under CACHE/root (never installed on the host).
#
# The packages come from the machine's Debian mirror through apt-get, after
# `dpkg --add-architecture i386`. A second run finds CACHE/root/.complete and does nothing.
# Exit status: 0 when everything is there; 3 when it cannot be fetched (no root, no
# package registry reachable), with the reason on stdout, so that the caller can count
# the Linux tests as skipped; 1 on any other failure.
set -u

cache=$1
root=$cache/root
[ -f "$root/.complete" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "fetch: need root (or sudo) to add the i386 architecture to apt"
    exit 3
fi

if ! dpkg --print-foreign-architectures | grep -qx i386; then
    $SUDO dpkg --add-architecture i386 || { echo "fetch: dpkg --add-architecture i386 failed"; exit 3; }
    $SUDO apt-get update -qq >/dev/null 2>&1 || true
fi
# The meta-packages name the current kernel packages.
kernel_of() {
    apt-cache depends "$1" 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }'
}
k686=$(kernel_of linux-image-686:i386)
if [ -z "$k686" ]; then
    $SUDO apt-get update -qq >/dev/null 2>&1
    k686=$(kernel_of linux-image-686:i386)
fi
kpae=$(kernel_of linux-image-686-pae:i386)
if [ -z "$k686" ] || [ -z "$kpae" ]; then
    echo "fetch: apt cannot find linux-image-686:i386 (no package registry reachable?)"
    exit 3
fi

mkdir -p "$cache/debs" "$root" || exit 1
cd "$cache/debs" || exit 1
# apt-get download as root warns that its sandbox user cannot write here: harmless.
if ! apt-get download "$k686" "$kpae" busybox-static:i386 memtest86+ >download.log 2>&1; then
    echo "fetch: apt-get download failed (see $cache/debs/download.log)"
    exit 3
fi
for deb in *.deb; do
    dpkg -x "$deb" "$root" || exit 1
done
touch "$root/.complete"
exit 0

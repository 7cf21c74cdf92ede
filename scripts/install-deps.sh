#!/bin/sh
# install-deps.sh - install the Debian packages lab86's build and tests need.
#
#   scripts/install-deps.sh              install (or confirm) every package
#   scripts/install-deps.sh --if-missing do nothing when all are present
#
# Non-interactive; runs apt-get directly as root, through sudo otherwise.
set -eu

PACKAGES="build-essential gcc-multilib clang nasm pkg-config check zlib1g-dev
libncurses-dev libreadline-dev liblua5.4-dev libcapstone-dev libelf-dev libdw-dev
gdb tmux python3 cpio
bochsbios vgabios seabios grub-pc-bin xorriso mtools"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ "${1:-}" = "--if-missing" ] && [ -z "$missing" ]; then
    exit 0
fi
if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo -n"
else
    echo "install-deps: need root or sudo to install:$missing" >&2
    exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing

#!/bin/sh
# run.sh LAB86 BUILDDIR -- boot Debian's i386 Linux on lab86 (issue: "boot Debian Linux").
#
#   1. fetch.sh downloads the kernels, busybox-static and memtest86+ once into the cache
#      (${LAB86_CACHE:-~/.cache/lab86}/debian); without root or a package registry the
#      tests are counted as skipped, with the reason, never as passed;
#   2. mkinitrd.sh builds an initramfs: busybox and init.sh;
#   3. boot.lua boots the 686 kernel, waits for the shell, types a command through COM1,
#      checks the answer, and ends through port 0xF4:
#        - directly (--kernel --initrd), twice on one CPU, the two serial outputs compared
#          byte for byte;
#        - directly with --smp 2 (the board with APICs): "2 cpus online";
#        - from a CD made with grub-mkrescue, through SeaBIOS and GRUB;
#   4. memtest86+ (its ia32 Linux-protocol image) runs its first tests with no errors.
# Under SANITIZE=1 (BUILDDIR build-san) the boots are skipped: they take minutes there,
# and the plain build runs them.
# The last line is always "linux: N passed, N failed, N skipped".

if [ $# -ne 2 ]; then
    echo "usage: $0 LAB86 BUILDDIR" >&2
    exit 2
fi
lab86=$1
build=$2
here=$(cd "$(dirname "$0")" && pwd)
cache=${LAB86_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lab86}/debian
passed=0
failed=0
skipped=0
out=$build/linux
mkdir -p "$out" || exit 2

summary() {
    echo "linux: $passed passed, $failed failed, $skipped skipped"
    [ $failed -eq 0 ]
    exit $?
}
result() { # result STATUS NAME OUTFILE
    if [ "$1" -eq 0 ]; then
        passed=$((passed + 1))
        echo "ok   $2"
    else
        failed=$((failed + 1))
        echo "FAIL $2"
        tail -n 40 "$3" | sed 's/^/    /'
    fi
}

case $(basename "$build") in
*san*)
    echo "skip linux: the sanitizer build runs too slowly to boot Linux; the plain build does"
    skipped=5
    summary
    ;;
esac

why=$(sh "$here/fetch.sh" "$cache")
status=$?
if [ $status -ne 0 ]; then
    echo "skip linux: ${why:-fetch.sh failed with status $status}"
    skipped=5
    [ $status -eq 3 ] || failed=1
    summary
fi
root=$cache/root
kernel=$(ls "$root"/boot/vmlinuz-*-686 2>/dev/null | head -n 1)
memtest=$root/boot/memtest86+ia32.bin
sh "$here/mkinitrd.sh" "$root/bin/busybox" "$out/initrd.gz" || exit 2

"$lab86" script "$here/boot.lua" direct "$kernel" "$out/initrd.gz" 1 </dev/null >"$out/boot1.txt" 2>&1
s1=$?
"$lab86" script "$here/boot.lua" direct "$kernel" "$out/initrd.gz" 1 </dev/null >"$out/boot2.txt" 2>&1
s2=$?
result $s1 "linux 686: busybox shell, a command typed on COM1, exit" "$out/boot1.txt"
[ $s1 -eq 0 ] && [ $s2 -eq 0 ] && cmp -s "$out/boot1.txt" "$out/boot2.txt"
result $? "linux 686: two boots, identical serial output" "$out/boot2.txt"

"$lab86" script "$here/boot.lua" direct "$kernel" "$out/initrd.gz" 2 </dev/null >"$out/smp.txt" 2>&1
result $? "linux 686 --smp 2: both CPUs online" "$out/smp.txt"

rm -rf "$out/iso"
mkdir -p "$out/iso/boot/grub"
cp "$kernel" "$out/iso/boot/vmlinuz"
cp "$out/initrd.gz" "$out/iso/boot/initrd.gz"
cp "$here/grub.cfg" "$out/iso/boot/grub/grub.cfg"
if grub-mkrescue -o "$out/linux.iso" "$out/iso" >"$out/mkrescue.txt" 2>&1; then
    "$lab86" script "$here/boot.lua" cdrom "$out/linux.iso" </dev/null >"$out/cdrom.txt" 2>&1
    result $? "linux 686 from a GRUB CD (SeaBIOS, El Torito, ATAPI)" "$out/cdrom.txt"
else
    result 1 "grub-mkrescue made no CD" "$out/mkrescue.txt"
fi

"$lab86" script "$here/memtest.lua" "$memtest" </dev/null >"$out/memtest.txt" 2>&1
result $? "memtest86+: first tests, no errors" "$out/memtest.txt"
summary

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
#        - the 686-pae kernel (PAE paging) directly;
#   4. memtest86+ (its ia32 Linux-protocol image) runs its first tests with no errors;
#   5. the 686 kernel's first 60 M cycles (its XZ decompressor, ~23 M instructions of
#      real compiled code) under --lockstep: the threaded core, its specialised forms
#      and block chaining against the switch core, their states compared every few
#      instructions.
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
    skipped=7
    summary
    ;;
esac

why=$(sh "$here/fetch.sh" "$cache")
status=$?
if [ $status -ne 0 ]; then
    echo "skip linux: ${why:-fetch.sh failed with status $status}"
    skipped=7
    [ $status -eq 3 ] || failed=1
    summary
fi
root=$cache/root
kernel=$(ls "$root"/boot/vmlinuz-*-686 2>/dev/null | head -n 1)
pae=$(ls "$root"/boot/vmlinuz-*-686-pae 2>/dev/null | head -n 1)
memtest=$root/boot/memtest86+ia32.bin
sh "$here/mkinitrd.sh" "$root/bin/busybox" "$out/initrd.gz" || exit 2

# The runs go two at a time (a CI machine has two cores); each is deterministic, so
# running side by side changes nothing but the wall time.
boot() { # boot OUTFILE ARGS...: lab86 script boot.lua ARGS, its status in OUTFILE.status
    o=$1
    shift
    "$lab86" script "$here/boot.lua" "$@" </dev/null >"$o" 2>&1
    echo $? >"$o.status"
}
st() { cat "$1.status" 2>/dev/null || echo 1; }
rm -f "$out"/*.status "$out/mkrescue.failed"

boot "$out/boot1.txt" direct "$kernel" "$out/initrd.gz" 1 &
boot "$out/boot2.txt" direct "$kernel" "$out/initrd.gz" 1 &
wait
result "$(st "$out/boot1.txt")" "linux 686: busybox shell, a command typed on COM1, exit" "$out/boot1.txt"
[ "$(st "$out/boot1.txt")" -eq 0 ] && [ "$(st "$out/boot2.txt")" -eq 0 ] &&
    cmp -s "$out/boot1.txt" "$out/boot2.txt"
result $? "linux 686: two boots, identical serial output" "$out/boot2.txt"

rm -rf "$out/iso"
mkdir -p "$out/iso/boot/grub"
cp "$kernel" "$out/iso/boot/vmlinuz"
cp "$out/initrd.gz" "$out/iso/boot/initrd.gz"
cp "$here/grub.cfg" "$out/iso/boot/grub/grub.cfg"
grub-mkrescue -o "$out/linux.iso" "$out/iso" >"$out/mkrescue.txt" 2>&1 || echo 1 >"$out/mkrescue.failed"
boot "$out/smp.txt" direct "$kernel" "$out/initrd.gz" 2 &
if [ -f "$out/mkrescue.failed" ]; then
    cp "$out/mkrescue.txt" "$out/cdrom.txt"
    echo 1 >"$out/cdrom.txt.status"
else
    boot "$out/cdrom.txt" cdrom "$out/linux.iso" &
fi
wait
result "$(st "$out/smp.txt")" "linux 686 --smp 2: both CPUs online" "$out/smp.txt"
result "$(st "$out/cdrom.txt")" "linux 686 from a GRUB CD (SeaBIOS, El Torito, ATAPI)" "$out/cdrom.txt"

boot "$out/pae.txt" direct "$pae" "$out/initrd.gz" 1 &
("$lab86" script "$here/memtest.lua" "$memtest" </dev/null >"$out/memtest.txt" 2>&1
 echo $? >"$out/memtest.txt.status") &
wait
result "$(st "$out/pae.txt")" "linux 686-pae: PAE paging, busybox shell" "$out/pae.txt"
result "$(st "$out/memtest.txt")" "memtest86+: first tests, no errors" "$out/memtest.txt"

"$lab86" run --lockstep --kernel "$kernel" --append console=ttyS0 -m 128 \
    --max-cycles 60000000 </dev/null >"$out/lockstep.txt" 2>&1
grep -q '^lab86: lockstep: no divergence' "$out/lockstep.txt"
result $? "linux 686: the decompressor's first 60 M cycles, both cores in lock-step" \
    "$out/lockstep.txt"
summary

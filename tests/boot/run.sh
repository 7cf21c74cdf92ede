#!/bin/sh
# run.sh LAB86 HELLO_IMG WORKDIR GRUB_ISO -- boot disk images through real firmware.
#
# The firmware comes from Debian's bochsbios, vgabios and seabios packages at their
# installed paths (never copied into the repository). When they are missing,
# scripts/install-deps.sh installs them; if that fails the test fails: it is never skipped.
#
#   hello_threaded   guests/hello through the Bochs legacy BIOS (ISA board): the boot
#                    sector's and the protected-mode markers on COM1, exit status 33, the
#                    boot sector's text on the VGA screen (--vga-text-out), the BIOS's
#                    "Booting from 0000:7c00" in its log
#   hello_switch     the same under the switch core: the same output and cycle count
#   seabios_*        the same through SeaBIOS (the default; PC board: PCI, PAM shadow
#                    RAM, the VGA BIOS from the PCI ROM BAR), under both cores
#   seabios_fwcfg    in that run's log: SeaBIOS found QEMU's fw_cfg (devices/fwcfg.c) and,
#                    told "no boot menu" as QEMU's -boot menu=off tells it, never offered
#                    one ("Press ESC for boot menu." and its 2.5 s wait)
#   floppy_*         guests/hello as a 1.44 MB diskette (WORKDIR/hello-floppy.img) in A:
#                    with --boot a, through SeaBIOS and the legacy BIOS, both cores: the
#                    82077 FDC, DMA channel 2 and IRQ 6, and the boot sector's CHS read
#   bochs_*          the same through BIOS-bochs-latest (PC board), both cores: its
#                    rombios32 copies the VGA BIOS from the ROM BAR while the command
#                    register's memory bit is off, which the VGA's ROM decodes anyway
#                    (devices/pci_vga.c), so the VGA BIOS runs and the screen shows the text
#   reboot           tests/boot/reboot.asm (legacy BIOS): triple fault, 8042, port 0x92
#                    and 0xCF9 resets each boot the BIOS again; APM power-off, status 0
#   no_reboot        with --no-reboot the first triple fault stops the run (status 4)
#   grub_cd_*        GRUB_ISO (grub-mkrescue, tests/boot/grub.cfg) with --cdrom and
#                    --boot d through SeaBIOS and the legacy BIOS, both cores: El Torito
#                    through the ATAPI drive, then GRUB's INT 13h reads of the CD; its
#                    marker on COM1 and the screen, exit status 33 (its outb to 0xF4)
#   grub_hdd_seabios_* the same hybrid image as a hard disk (--hda, a copy) with --boot c
#   smp_seabios_*, smp_bochs_*  guests/hello with --smp 2 through SeaBIOS and
#                    BIOS-bochs-latest, both cores: the BIOS wakes the AP with INIT and
#                    startup IPIs and logs "Found 2 cpu(s)"; the same cycle count
#
# The last line is always "boot: N passed, N failed".

if [ $# -ne 4 ]; then
    echo "usage: $0 LAB86 HELLO_IMG WORKDIR GRUB_ISO" >&2
    exit 2
fi
lab86=$1
hello=$2
work=$3
grub_iso=$4
here=$(dirname "$0")
passed=0
failed=0
mkdir -p "$work" || exit 2
out=$work/stdout
err=$work/stderr

ok() {
    passed=$((passed + 1))
    echo "ok   $1"
}

bad() {
    failed=$((failed + 1))
    echo "FAIL $1: $2"
    sed 's/^/    stdout: /' "$out"
    sed 's/^/    stderr: /' "$err"
}

for f in /usr/share/bochs/BIOS-bochs-legacy /usr/share/bochs/BIOS-bochs-latest \
    /usr/share/vgabios/vgabios.bin /usr/share/seabios/bios.bin \
    /usr/share/seabios/vgabios-stdvga.bin; do
    if [ ! -f "$f" ]; then
        echo "boot: $f is missing: installing the firmware packages"
        sh "$here/../../scripts/install-deps.sh" || true
    fi
    if [ ! -f "$f" ]; then
        echo "FAIL firmware: $f is still missing (apt-get install bochsbios vgabios seabios)"
        echo "boot: 0 passed, 1 failed"
        exit 1
    fi
done

# The image hello() boots: the drive option, the image, the --boot device, and the tag
# its files in WORKDIR carry.
drive=--hda
image=$hello
bootdev=c
tag=

# hello FIRMWARE CORE: boot guests/hello through FIRMWARE under CORE; sets status, and
# leaves the screen, the firmware log and the cycle count in WORKDIR as *-FIRMWARE$tag-CORE.
hello() {
    "$lab86" run --firmware "$1" "$drive" "$image" --boot "$bootdev" --core "$2" \
        --max-cycles 1000000000 --report-cycles --vga-text-out "$work/screen-$1$tag-$2" \
        --firmware-log "$work/fwlog-$1$tag-$2" </dev/null >"$out" 2>"$err"
    status=$?
    grep '^cycles:' "$err" >"$work/cycles-$1$tag-$2"
}

# check_hello NAME FIRMWARE CORE
check_hello() {
    name=$1
    run=$2$tag-$3
    if [ "$status" -ne 33 ]; then
        bad "$name" "exit status $status, expected 33"
    elif ! grep -qx 'hello from the boot sector' "$out" ||
        ! grep -qx 'hello: protected mode' "$out"; then
        bad "$name" "the hello and protected-mode markers are not both on COM1"
    elif ! grep -q 'hello from the boot sector' "$work/screen-$run"; then
        bad "$name" "the VGA screen does not show the boot sector's text"
    elif ! grep -q 'Booting from 0000:7c00' "$work/fwlog-$run"; then
        bad "$name" "the BIOS's log (--firmware-log) does not say it booted the disk"
    else
        ok "$name"
    fi
}

# hello_both PREFIX FIRMWARE: both cores, the same output and cycle count.
hello_both() {
    key=$2$tag
    hello "$2" threaded
    cp "$out" "$work/stdout-$key-threaded"
    check_hello "${1}_threaded" "$2" threaded
    hello "$2" switch
    check_hello "${1}_switch" "$2" switch
    if cmp -s "$out" "$work/stdout-$key-threaded" && [ -s "$work/cycles-$key-switch" ] &&
        cmp -s "$work/cycles-$key-threaded" "$work/cycles-$key-switch"; then
        ok "${1}_cores_agree"
    else
        bad "${1}_cores_agree" \
            "the cores differ: $(cat "$work/cycles-$key-threaded") | $(cat "$work/cycles-$key-switch")"
    fi
}

hello_both hello legacy
hello_both seabios seabios
if grep -q 'Found QEMU fw_cfg' "$work/fwlog-seabios-threaded" &&
    ! grep -q 'boot menu' "$work/fwlog-seabios-threaded"; then
    ok seabios_fwcfg
else
    bad seabios_fwcfg "SeaBIOS's log does not say it found fw_cfg, or it offered a boot menu"
fi
hello_both bochs bochs

drive=--fda
image=$work/hello-floppy.img
bootdev=a
tag=-floppy
hello_both floppy_seabios seabios
hello_both floppy_legacy legacy

reboot_img=$work/reboot.img
"$lab86" run --firmware legacy --hda "$reboot_img" --max-cycles 3000000000 </dev/null >"$out" 2>"$err"
status=$?
printf 'reboot: boot 0\nreboot: boot 1\nreboot: boot 2\nreboot: boot 3\nreboot: boot 4\n' \
    >"$work/expected"
if [ "$status" -ne 0 ]; then
    bad reboot "exit status $status, expected 0 (powered off)"
elif ! cmp -s "$out" "$work/expected" || [ -s "$err" ]; then
    bad reboot "expected five boots on COM1 and nothing on stderr"
else
    ok reboot
fi

"$lab86" run --firmware legacy --hda "$reboot_img" --no-reboot --max-cycles 3000000000 </dev/null >"$out" 2>"$err"
status=$?
if [ "$status" -eq 4 ] && [ "$(cat "$out")" = "reboot: boot 0" ] &&
    grep -q '^lab86: triple fault at CS:EIP' "$err"; then
    ok no_reboot
else
    bad no_reboot "exit status $status, expected 4 after one boot and a triple-fault line"
fi

# grub NAME FIRMWARE DRIVE BOOTDEV LOGLINE: boot the GRUB image as DRIVE under both cores;
# LOGLINE is what the BIOS's log must say when it boots that drive. The hard disk is a
# copy, since --hda opens its image read-write.
grub() {
    if [ "$3" = --hda ]; then
        cp "$grub_iso" "$work/grub-hdd.iso"
        img=$work/grub-hdd.iso
    else
        img=$grub_iso
    fi
    for core in threaded switch; do
        run=$1-$core
        "$lab86" run --firmware "$2" "$3" "$img" --boot "$4" --core $core \
            --max-cycles 1000000000 --report-cycles --vga-text-out "$work/screen-$run" \
            --firmware-log "$work/fwlog-$run" </dev/null >"$out" 2>"$err"
        status=$?
        grep '^cycles:' "$err" >"$work/cycles-$run"
        cp "$out" "$work/stdout-$run"
        if [ "$status" -ne 33 ]; then
            bad "${1}_$core" "exit status $status, expected 33"
        elif ! grep -q 'GRUB-MARKER: grub.cfg reached' "$out"; then
            bad "${1}_$core" "GRUB's marker is not on COM1"
        elif ! grep -q 'GRUB-MARKER: grub.cfg reached' "$work/screen-$run"; then
            bad "${1}_$core" "the VGA screen does not show GRUB's marker"
        elif ! grep -qF "$5" "$work/fwlog-$run"; then
            bad "${1}_$core" "the BIOS's log (--firmware-log) does not say '$5'"
        else
            ok "${1}_$core"
        fi
    done
    if cmp -s "$work/stdout-$1-threaded" "$work/stdout-$1-switch" &&
        [ -s "$work/cycles-$1-switch" ] &&
        cmp -s "$work/cycles-$1-threaded" "$work/cycles-$1-switch"; then
        ok "${1}_cores_agree"
    else
        bad "${1}_cores_agree" \
            "the cores differ: $(cat "$work/cycles-$1-threaded") | $(cat "$work/cycles-$1-switch")"
    fi
}

grub grub_cd_seabios seabios --cdrom d 'Booting from DVD/CD...'
grub grub_hdd_seabios seabios --hda c 'Booting from Hard Disk...'
grub grub_cd_legacy legacy --cdrom d 'Booting from 07c0:0000'

# smp FIRMWARE: guests/hello on the hard disk with --smp 2, under both cores: the BIOS
# starts the second CPU with INIT and startup IPIs and counts it in its log ("Found 2
# cpu(s)"; its MP table lists what it counted), then boots as with one CPU.
smp() {
    for core in threaded switch; do
        run=smp-$1-$core
        "$lab86" run --firmware "$1" --smp 2 --hda "$hello" --core $core \
            --max-cycles 1000000000 --report-cycles --firmware-log "$work/fwlog-$run" \
            </dev/null >"$out" 2>"$err"
        status=$?
        grep '^cycles:' "$err" >"$work/cycles-$run"
        if [ "$status" -ne 33 ]; then
            bad "smp_${1}_$core" "exit status $status, expected 33"
        elif ! grep -qx 'hello: protected mode' "$out"; then
            bad "smp_${1}_$core" "the protected-mode marker is not on COM1"
        elif ! grep -q 'Found 2 cpu(s)' "$work/fwlog-$run"; then
            bad "smp_${1}_$core" "the BIOS's log does not say 'Found 2 cpu(s)'"
        else
            ok "smp_${1}_$core"
        fi
    done
    if [ -s "$work/cycles-smp-$1-switch" ] &&
        cmp -s "$work/cycles-smp-$1-threaded" "$work/cycles-smp-$1-switch"; then
        ok "smp_${1}_cores_agree"
    else
        bad "smp_${1}_cores_agree" "the cores differ: $(cat "$work/cycles-smp-$1-threaded") |" \
            "$(cat "$work/cycles-smp-$1-switch")"
    fi
}

smp seabios
smp bochs

echo "boot: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# run.sh LAB86 WORKDIR -- the tests of the lab86 command line.
#
# Part 1, bad host input: each case must end with exit status 2, print nothing on stdout,
# and print exactly one line on stderr that starts with "lab86: " and names the problem.
# Part 2, tiny kernels (tests/cli/*.asm, built here with nasm into WORKDIR): output and
# exit status for the exit device, the ELF and a.out-kludge loader paths, COM1, the cycle
# limit, HLT with interrupts off and on, a triple fault and Ctrl-C (SIGTERM); --stats and
# --cpu-mhz (the cycle model's totals, equal across runs and cores).
#
# The last line is always "cli: N passed, N failed"; the exit status is non-zero if any
# test failed.

if [ $# -ne 2 ]; then
    echo "usage: $0 LAB86 WORKDIR" >&2
    exit 2
fi
lab86=$1
work=$2
here=$(dirname "$0")
nasm=${NASM:-nasm}
passed=0
failed=0
mkdir -p "$work" || exit 2
out=$work/stdout
err=$work/stderr
. "$here/lib.sh"

# expect_run NAME STATUS STDOUT STDERR ARGS...: the exit status, stdout exactly STDOUT
# (printf format), and stderr empty (STDERR = "") or one line containing STDERR.
expect_run() {
    name=$1
    want=$2
    want_out=$3
    fragment=$4
    shift 4
    "$lab86" "$@" </dev/null >"$out" 2>"$err"
    status=$?
    # shellcheck disable=SC2059
    printf "$want_out" >"$work/expected"
    lines=$(wc -l <"$err")
    if [ "$status" -ne "$want" ]; then
        bad "$name" "exit status $status, expected $want"
    elif ! cmp -s "$out" "$work/expected"; then
        bad "$name" "stdout is not '$want_out'"
    elif [ -z "$fragment" ] && [ -s "$err" ]; then
        bad "$name" "unexpected output on stderr"
    elif [ -n "$fragment" ] && { [ "$lines" -ne 1 ] || ! grep -qF -- "$fragment" "$err"; }; then
        bad "$name" "stderr is not one line with: $fragment"
    else
        ok "$name"
    fi
}

# build NAME [NASM FLAGS...]: assemble tests/cli/NAME.asm into WORKDIR/NAME.bin.
build() {
    name=$1
    shift
    if ! "$nasm" -f bin -w+all -I "$here/" "$@" -o "$work/$name.bin" "$here/$name.asm"; then
        echo "cli: cannot assemble $here/$name.asm" >&2
        exit 2
    fi
}

# --- the test files ---

for k in ok spin halt idle serial tf elf echo screen; do
    build $k
done
"$nasm" -f bin -I "$here/" -DLOAD=0x7F000000 -o "$work/outside.bin" "$here/ok.asm" || exit 2
"$nasm" -f bin -DTRUNCATED -o "$work/truncated.bin" "$here/elf.asm" || exit 2
: >"$work/empty.bin"
printf 'This is a text file, not a kernel.\n' >"$work/text.bin"
# A valid header, but at offset 8192: outside the first 8 KiB the loader searches.
head -c 8192 /dev/zero >"$work/late.bin"
cat "$work/ok.bin" >>"$work/late.bin"
cat >"$work/noaout.asm" <<'EOF'
; a multiboot header without the a.out kludge, in a file that is not ELF
    dd 0x1BADB002, 0, -0x1BADB002
    times 64 db 0x90
EOF
"$nasm" -f bin -o "$work/noaout.bin" "$work/noaout.asm" || exit 2
cat >"$work/badsum.asm" <<'EOF'
; the multiboot magic with a checksum that does not add up
    dd 0x1BADB002, 0x00010000, 0
    times 64 db 0x90
EOF
"$nasm" -f bin -o "$work/badsum.bin" "$work/badsum.asm" || exit 2
# Fake Linux bzImages: a setup header (1 setup sector) and 8 KiB of HLT as the kernel.
cat >"$work/bz.asm" <<'EOF'
    times 0x1F1 db 0
    db 1                            ; setup_sects
    times 0x202 - ($ - $$) db 0
    db "HdrS"
    dw VERSION                      ; boot protocol
    times 0x211 - ($ - $$) db 0
    db LOADFLAGS                    ; bit 0: LOADED_HIGH
    dw 0
    dd 0x100000                     ; code32_start
    times 1024 - ($ - $$) db 0
    times 8192 db 0xF4
EOF
for v in "bz 0x020F 1" "bz201 0x0201 1" "bzlow 0x020F 0"; do
    # shellcheck disable=SC2086
    set -- $v
    "$nasm" -f bin -DVERSION="$2" -DLOADFLAGS="$3" -o "$work/$1.bin" "$work/bz.asm" || exit 2
done
head -c 4096 /dev/zero >"$work/initrd.img"
head -c 2097152 /dev/zero >"$work/big.initrd"
long=$(head -c 4000 /dev/zero | tr '\0' 'x')
# Disk and ROM images for the firmware options: odd sizes, and a plain 64 KiB "BIOS".
head -c 1000 /dev/zero >"$work/odd.img"
head -c 1000 /dev/zero >"$work/small.rom"
head -c 65536 /dev/zero >"$work/bios64k.rom"
head -c 2048 /dev/zero >"$work/nosig.rom"

# --- part 1: bad host input ---

"$lab86" </dev/null >"$out" 2>"$err"
status=$?
if [ "$status" -eq 2 ] && [ ! -s "$out" ] && grep -q '^usage: lab86' "$err"; then
    ok no_command
else
    bad no_command "exit status $status, expected 2 with usage on stderr"
fi
expect_error unknown_command "frobnicate: unknown command" frobnicate
expect_error unknown_top_flag "--frobnicate: unknown option" --frobnicate
expect_error unknown_flag "--frobnicate: unknown option" run --kernel "$work/ok.bin" --frobnicate
expect_error stray_argument "kernel.elf: unexpected argument" run kernel.elf
expect_error kernel_missing_arg "--kernel: missing argument" run --kernel
expect_error m_missing_arg "-m: missing argument" run --kernel "$work/ok.bin" -m
expect_error nothing_to_boot "run: nothing to boot" run -m 32
expect_error missing_file "$work/nonexistent.elf: No such file or directory" \
    run --kernel "$work/nonexistent.elf"
expect_error directory "$work: Is a directory" run --kernel "$work"
expect_error empty_file "$work/empty.bin: empty file" run --kernel "$work/empty.bin"
expect_error not_multiboot "$work/text.bin: no multiboot header in the first 8192 bytes" \
    run --kernel "$work/text.bin"
expect_error header_too_late "$work/late.bin: no multiboot header in the first 8192 bytes" \
    run --kernel "$work/late.bin"
expect_error bad_checksum "$work/badsum.bin: the multiboot header at offset 0x0 has a bad checksum" \
    run --kernel "$work/badsum.bin"
expect_error not_elf_no_kludge "$work/noaout.bin: not an ELF file" run --kernel "$work/noaout.bin"
expect_error truncated_elf "$work/truncated.bin: truncated: ELF segment 0 needs file bytes" \
    run --kernel "$work/truncated.bin"
expect_error outside_ram "$work/outside.bin: loads at 0x7f000000-" \
    run --kernel "$work/outside.bin" -m 32
expect_error outside_ram_says_size "outside the 32 MiB of RAM" \
    run --kernel "$work/outside.bin" -m 32
expect_error m_zero "-m 0: RAM size must be more than 1 MiB" run --kernel "$work/ok.bin" -m 0
expect_error m_one_mib "-m 1M: RAM size must be more than 1 MiB" run --kernel "$work/ok.bin" -m 1M
expect_error m_abc "-m abc: not a memory size" run --kernel "$work/ok.bin" -m abc
expect_error m_suffix "-m 32X: not a memory size" run --kernel "$work/ok.bin" -m 32X
expect_error m_too_big "-m 4G: RAM size must be at most 3584 MiB" run --kernel "$work/ok.bin" -m 4G
expect_error m_not_pages "-m 2050K: RAM size must be a multiple of 4 KiB" \
    run --kernel "$work/ok.bin" -m 2050K
expect_error max_cycles_abc "--max-cycles abc: not a number of cycles" \
    run --kernel "$work/ok.bin" --max-cycles abc
expect_error max_cycles_zero "--max-cycles: the limit must be at least 1 cycle" \
    run --kernel "$work/ok.bin" --max-cycles 0
expect_error append_too_long "--append: command line too long (4000 bytes" \
    run --kernel "$work/ok.bin" --append "$long"
expect_error cpu_mhz_zero "--cpu-mhz 0: not a clock frequency (a whole number of MHz, 1 to 10000)" \
    run --kernel "$work/ok.bin" --cpu-mhz 0
expect_error cpu_mhz_too_big "--cpu-mhz 10001: not a clock frequency" \
    run --kernel "$work/ok.bin" --cpu-mhz 10001
expect_error cpu_mhz_abc "--cpu-mhz 1.5: not a clock frequency" \
    run --kernel "$work/ok.bin" --cpu-mhz 1.5
expect_error cpu_mhz_missing_arg "--cpu-mhz: missing argument" run --kernel "$work/ok.bin" --cpu-mhz
expect_error core_bad "--core jit: not an interpreter core (threaded or switch)" \
    run --kernel "$work/ok.bin" --core jit
expect_error serial_bogus "--serial bogus: not a serial destination" \
    run --kernel "$work/ok.bin" --serial bogus
expect_error serial_stdio_display "--serial stdio: with --display text, standard output shows" \
    run --kernel "$work/ok.bin" --serial stdio --display text
expect_error display_bad "--display vnc: not a display (text or none)" \
    run --kernel "$work/ok.bin" --display vnc
expect_error core_missing_arg "--core: missing argument" run --kernel "$work/ok.bin" --core

# Linux kernels and --initrd (lab86 run --help, --kernel and --initrd).
expect_error initrd_multiboot "--initrd: needs a Linux kernel" \
    run --kernel "$work/ok.bin" --initrd "$work/initrd.img"
expect_error initrd_no_kernel "--initrd: needs a Linux kernel (give --kernel FILE)" \
    run --hda "$work/bios64k.rom" --initrd "$work/initrd.img"
expect_error initrd_missing "$work/nonexistent.img: No such file or directory" \
    run --kernel "$work/bz.bin" --initrd "$work/nonexistent.img"
expect_error bz_too_old "$work/bz201.bin: boot protocol 2.01 is too old" run --kernel "$work/bz201.bin"
expect_error bz_not_loaded_high "$work/bzlow.bin: not a bzImage: loadflags bit 0 (LOADED_HIGH)" \
    run --kernel "$work/bzlow.bin"
expect_error bz_kernel_too_big "$work/bz.bin: the kernel (8192 bytes above 1 MiB) is larger" \
    run --kernel "$work/bz.bin" -m 1028K
expect_error bz_initrd_too_big "$work/bz.bin: the initrd (2097152 bytes) does not fit" \
    run --kernel "$work/bz.bin" -m 2M --initrd "$work/big.initrd"

# The machine's disks and firmware (lab86 run --help, "the machine").
expect_error hda_missing "$work/nonexistent.img: No such file or directory" \
    run --hda "$work/nonexistent.img"
expect_error hda_empty "$work/empty.bin: empty disk image" run --hda "$work/empty.bin"
expect_error hda_odd_size "$work/odd.img: disk image size 1000 is not a whole number of 512-byte" \
    run --hda "$work/odd.img"
expect_error hda_directory "$work: Is a directory" run --hda "$work"
expect_error hdb_odd_size "$work/odd.img: disk image size 1000" run --hdb "$work/odd.img"
expect_error cdrom_odd_size "$work/odd.img: disk image size 1000 is not a whole number of 2048" \
    run --cdrom "$work/odd.img"
expect_error firmware_bad "--firmware coreboot: not a firmware (legacy, bochs, seabios or none)" \
    run --firmware coreboot --hda "$work/bios64k.rom"
expect_error firmware_none_no_kernel "--firmware none: nothing to boot without a BIOS" \
    run --firmware none --hda "$work/bios64k.rom"
expect_error kernel_with_firmware "--kernel: a kernel is booted without firmware" \
    run --kernel "$work/ok.bin" --firmware legacy
expect_error kernel_with_bios "--kernel: a kernel is booted without firmware" \
    run --kernel "$work/ok.bin" --bios "$work/bios64k.rom"
expect_error bios_wrong_size \
    "$work/small.rom: a BIOS image must be 64, 128, 192 or 256 KiB (this one is 1000 bytes)" \
    run --bios "$work/small.rom" --hda "$work/bios64k.rom"
expect_error bios_empty "$work/empty.bin: empty file" run --bios "$work/empty.bin"
expect_error bios_missing "$work/nonexistent.rom: No such file or directory" \
    run --bios "$work/nonexistent.rom"
expect_error vga_bios_no_signature "$work/nosig.rom: not an option ROM (it does not start with 55" \
    run --bios "$work/bios64k.rom" --vga-bios "$work/nosig.rom"
expect_error vga_bios_wrong_size "$work/odd.img: a VGA BIOS must be 512 bytes to 64 KiB" \
    run --bios "$work/bios64k.rom" --vga-bios "$work/odd.img"
expect_error boot_bad "--boot b: not a boot device (a: the floppy, c: the hard disk, d: the" \
    run --hda "$work/bios64k.rom" --boot b
expect_error fda_missing "$work/nonexistent.img: No such file or directory" \
    run --fda "$work/nonexistent.img" --boot a
expect_error fda_wrong_size "$work/bios64k.rom: not a floppy image size (65536 bytes" \
    run --fda "$work/bios64k.rom" --boot a
expect_error fdb_wrong_size "$work/bios64k.rom: not a floppy image size (65536 bytes" \
    run --fdb "$work/bios64k.rom"
expect_error firmware_log_unwritable "$work/nonexistent/log: No such file or directory" \
    run --hda "$work/bios64k.rom" --firmware-log "$work/nonexistent/log"

# --- part 2: tiny kernels ---

"$lab86" run --help </dev/null >"$out" 2>"$err"
status=$?
if [ "$status" -eq 0 ] && grep -q '^exit status:' "$out" && [ ! -s "$err" ]; then
    ok run_help
else
    bad run_help "exit status $status, expected 0 and the exit statuses on stdout"
fi
"$lab86" --version </dev/null >"$out" 2>"$err"
status=$?
if [ "$status" -eq 0 ] && grep -q '^lab86 [0-9][0-9.]*$' "$out" && [ ! -s "$err" ]; then
    ok version
else
    bad version "exit status $status, expected 0 and 'lab86 X.Y.Z' on stdout"
fi

expect_run exit_device 33 "OK" "" run --kernel "$work/ok.bin" --max-cycles 1000000
expect_run core_switch 33 "OK" "" run --kernel "$work/ok.bin" --core switch --max-cycles 1000000
expect_run core_threaded 33 "OK" "" run --kernel "$work/ok.bin" --core=threaded
expect_run lockstep 33 "OK" "lab86: lockstep: no divergence (" run --kernel "$work/ok.bin" --lockstep
expect_run kernel_equals_form 33 "OK" "" run --kernel="$work/ok.bin" -m 8M --max-cycles=1000000
expect_run elf_kernel 33 "ELF" "" run --kernel "$work/elf.bin" --max-cycles 1000000
# --symbols is for the debugger (core/debug/symbols.c); run accepts it and runs as without it.
expect_run symbols_accepted 33 "OK" "" run --kernel "$work/ok.bin" --symbols "$work/elf.bin"
expect_run symbols_empty 2 "" "lab86: --symbols: empty file name" run --kernel "$work/ok.bin" --symbols ""
expect_run serial_com1 33 "serial ok\n" "" run --kernel "$work/serial.bin" --max-cycles 1000000
# The console: stdin (a file: read whole, so the run is reproducible) to COM1's receiver,
# --serial file:, --display text.
printf 'abc\n' >"$work/echo.in"
"$lab86" run --kernel "$work/echo.bin" --max-cycles 100000000 <"$work/echo.in" >"$out" 2>"$err"
status=$?
if [ "$status" -eq 33 ] && [ "$(cat "$out")" = abc ] && [ ! -s "$err" ]; then
    ok serial_stdin_echo
else
    bad serial_stdin_echo "exit status $status, expected 33 and 'abc' echoed"
fi
# A closed standard input is no input, not an error.
"$lab86" run --kernel "$work/ok.bin" --max-cycles 1000000 <&- >"$out" 2>"$err"
status=$?
if [ "$status" -eq 33 ] && [ "$(cat "$out")" = OK ]; then
    ok stdin_closed
else
    bad stdin_closed "exit status $status, expected 33 and OK"
fi
rm -f "$work/com1.log"
expect_run serial_file 33 "" "" run --kernel "$work/serial.bin" --serial "file:$work/com1.log"
if [ "$(cat "$work/com1.log")" = "serial ok" ]; then
    ok serial_file_contents
else
    bad serial_file_contents "$work/com1.log does not hold 'serial ok'"
fi
"$lab86" run --kernel "$work/screen.bin" --display text </dev/null >"$out" 2>"$err"
status=$?
if [ "$status" -eq 33 ] && [ "$(head -n 1 "$out")" = "screen ok" ] &&
    [ "$(tail -n 1 "$out")" = "$(printf '\f')" ]; then
    ok display_text_dump
else
    bad display_text_dump "exit status $status, expected 33 and 'screen ok' then a form feed"
fi
expect_run cycle_limit 6 "" "lab86: cycle limit 100000 reached" \
    run --kernel "$work/spin.bin" --max-cycles 100000
expect_run halt_if0 8 "" "lab86: halted with interrupts disabled at 0008:00100021" \
    run --kernel "$work/halt.bin" --max-cycles 100000000000
expect_run halt_if1 6 "" "lab86: cycle limit 100000 reached (the CPU halted at 0008:00100021" \
    run --kernel "$work/idle.bin" --max-cycles 100000
expect_run triple_fault 4 "" "lab86: triple fault at CS:EIP 0008:00100020" \
    run --kernel "$work/tf.bin" --max-cycles 1000000

# With no cycle limit, a CPU that halts with interrupts on waits until it is stopped.
"$lab86" run --kernel "$work/idle.bin" </dev/null >"$out" 2>"$err" &
pid=$!
sleep 1
kill -TERM "$pid" 2>/dev/null
wait "$pid"
status=$?
if [ "$status" -eq 130 ] && grep -q '^lab86: interrupted at cycle' "$err"; then
    ok sigterm_ends_wait
else
    bad sigterm_ends_wait "exit status $status, expected 130 and 'lab86: interrupted'"
fi

# --stats: nine lines on stderr after the run, and one per hypervisor-trap kind (16, core/trap.h).
# ok.bin costs 36 cycles by doc/cycles.md: three
# MOV r8, imm (1 each) and three OUT imm8, AL in protected mode at CPL 0 (11 each); the OUTs are
# its three I/O trap events, and it has no CPUID or HLT. The
# deterministic lines are the same in a second run and under the other core; --cpu-mhz
# changes only the guest time: 36 cycles are 0.36 us at 100 MHz, 36 us at 1 MHz.
stat_of() {
    sed -n "s/^$1  *//p" "$2"
}
"$lab86" run --kernel "$work/ok.bin" --stats </dev/null >"$out" 2>"$err"
status=$?
cp "$err" "$work/stats1"
if [ "$status" -eq 33 ] && [ "$(cat "$out")" = OK ] && [ "$(wc -l <"$err")" -eq 25 ] &&
    [ "$(stat_of 'trap io' "$err")" = 3 ] && [ "$(stat_of 'trap cpuid' "$err")" = 0 ] &&
    [ "$(stat_of 'trap hlt' "$err")" = 0 ] &&
    [ "$(stat_of instructions "$err")" = 6 ] && [ "$(stat_of cycles "$err")" = 36 ] &&
    [ "$(stat_of CPI "$err")" = 6.000 ] && [ "$(stat_of 'guest seconds' "$err")" = 0.000000360 ] &&
    grep -q '^host MIPS  *[0-9]' "$err"; then
    ok stats_lines
else
    bad stats_lines "exit status $status; expected 33, OK, and 25 stats lines with 36 cycles, 3 io traps"
fi
"$lab86" run --kernel "$work/ok.bin" --stats --core switch --cpu-mhz 1 </dev/null >"$out" 2>"$err"
same=true
for k in instructions cycles CPI 'TLB misses' exceptions interrupts 'trap io'; do
    [ "$(stat_of "$k" "$err")" = "$(stat_of "$k" "$work/stats1")" ] || same=false
done
if $same && [ "$(stat_of 'guest seconds' "$err")" = 0.000036000 ]; then
    ok stats_deterministic_cpu_mhz
else
    bad stats_deterministic_cpu_mhz "the counters differ between runs, or --cpu-mhz 1 did not scale"
fi

# A BIOS of zeros, and no disk: the CPU starts at its reset vector (FFFF:FFF0, in the copy
# below 4 GiB) and runs zeros (ADD [BX+SI],AL) and whatever follows from them; the machine
# neither crashes nor stops until the cycle limit.
expect_run zero_bios_runs 6 "" "lab86: cycle limit 100000 reached" \
    run --bios "$work/bios64k.rom" --max-cycles 100000

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

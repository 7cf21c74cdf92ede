#!/bin/sh
# smp.sh LAB86 WORKDIR -- the command line of --smp and --board (ui/cli/args.c).
#
# Each bad combination must end with exit status 2, nothing on stdout and exactly one line
# on stderr starting with "lab86: " and naming the problem: a CPU count outside 1-8, more
# than one CPU on the ISA board (it has no APICs to start them: asked for with --board
# isa, or the board the legacy BIOS needs), a board that is not the firmware's, a board
# that does not exist. Then `lab86 run --help` must document both options.
#
# The last line is always "cli-smp: N passed, N failed".

if [ $# -ne 2 ]; then
    echo "usage: $0 LAB86 WORKDIR" >&2
    exit 2
fi
lab86=$1
work=$2
passed=0
failed=0
mkdir -p "$work" || exit 2
out=$work/smp-stdout
err=$work/smp-stderr
. "$(dirname "$0")/lib.sh"

k=$work/no-such-kernel.elf   # never opened: the options are refused first

expect_error smp_zero "--smp 0: not a number of CPUs (1 to 8)" run --smp 0 --kernel "$k"
expect_error smp_nine "--smp 9: not a number of CPUs (1 to 8)" run --smp 9 --kernel "$k"
expect_error smp_word "--smp two: not a number of CPUs" run --smp two --kernel "$k"
expect_error smp_no_value "--smp" run --kernel "$k" --smp
expect_error smp_isa_board "--smp 2: more than one CPU needs the pc board" \
    run --smp 2 --board isa --kernel "$k"
expect_error smp_legacy_bios "--smp 4: more than one CPU needs the pc board (the firmware legacy" \
    run --firmware legacy --smp 4 --hda "$k"
expect_error board_not_firmwares "--board: pc: the firmware legacy runs on the isa board" \
    run --firmware legacy --board pc --hda "$k"
expect_error board_seabios_isa "--board: isa: the firmware seabios runs on the pc board" \
    run --board isa --hda "$k"
expect_error board_unknown "--board at: not a board (isa or pc)" run --board at --kernel "$k"

"$lab86" run --help </dev/null >"$out" 2>"$err"
if grep -q -- '--smp N' "$out" && grep -q -- '--board isa|pc' "$out"; then
    ok help_documents_smp_and_board
else
    bad help_documents_smp_and_board "run --help does not list --smp N and --board isa|pc"
fi

echo "cli-smp: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# run.sh LAB86 HELLO_IMG DEMO_ELF CKERN_ELF WORKDIR GUESTS -- `lab86 debug --no-tui` driven
# by scripts.
#
# Each tests/debugcli/NAME.cmds is a script of debugger commands. Its first lines say how to
# run it:
#     # args: --hda @HELLO@ --firmware legacy     the machine options (@HELLO@ is the
#                                                 hello disk image, @DEMO@ the demo kernel,
#                                                 @CKERN@ the C kernel of ckern.asm and
#                                                 ckern_c.c, with a DWARF line table;
#                                                 @GUESTS@ the directory of the guest
#                                                 tests' kernels, tests/guest/*.asm)
#     # status: 33                                the exit status lab86 must end with
#     # cycles: any                               (optional) "cycles N instructions M" lines
#                                                 are compared as "cycles N instructions N"
# The script goes to `lab86 debug --no-tui ARGS --core CORE` on standard input, under both
# interpreter cores; standard output must equal NAME.expected exactly (the same file for
# both cores, so both stop at the same instructions and print the same cycle counts), and
# standard error must be empty; and the two cores' outputs must be identical, cycle counts
# included. The expected files were written by hand from the guests'
# listings (guests/hello/hello.asm, guests/demo/demo.asm, tests/debugcli/ckern*) and checked
# against them.
#
# The last line is always "debugcli: N passed, N failed"; the exit status is non-zero if
# any test failed.

if [ $# -ne 6 ]; then
    echo "usage: $0 LAB86 HELLO_IMG DEMO_ELF CKERN_ELF WORKDIR GUESTS" >&2
    exit 2
fi
lab86=$1
hello=$2
demo=$3
ckern=$4
work=$5
guests=$6
here=$(dirname "$0")
passed=0
failed=0
mkdir -p "$work" || exit 2

for script in "$here"/*.cmds; do
    name=$(basename "$script" .cmds)
    args=$(sed -n 's/^# args: //p' "$script" | sed "s|@HELLO@|$hello|g; s|@DEMO@|$demo|g; s|@CKERN@|$ckern|g; s|@GUESTS@|$guests|g")
    want_status=$(sed -n 's/^# status: //p' "$script")
    any_cycles=$(sed -n 's/^# cycles: //p' "$script")
    for core in switch threaded; do
        out=$work/$name.$core.out
        err=$work/$name.$core.err
        # The hello guest only reads its disk, so runs can share the image.
        # shellcheck disable=SC2086
        "$lab86" debug --no-tui $args --core "$core" <"$script" >"$out" 2>"$err"
        status=$?
        # "# cycles: any": a firmware's cycle count follows every change to the CPU model it
        # probes, so the expected file says N; the two cores must still agree exactly.
        cmp=$out
        if [ "$any_cycles" = any ]; then
            cmp=$work/$name.$core.masked
            sed 's/^cycles [0-9]* instructions [0-9]*$/cycles N instructions N/' "$out" >"$cmp"
        fi
        if [ "$status" != "$want_status" ]; then
            failed=$((failed + 1))
            echo "FAIL $name ($core): exit status $status, expected $want_status"
            sed 's/^/    stderr: /' "$err"
        elif [ -s "$err" ]; then
            failed=$((failed + 1))
            echo "FAIL $name ($core): output on stderr"
            sed 's/^/    stderr: /' "$err"
        elif ! diff -u "$here/$name.expected" "$cmp" >"$work/$name.$core.diff"; then
            failed=$((failed + 1))
            echo "FAIL $name ($core): output differs from $name.expected"
            sed 's/^/    /' "$work/$name.$core.diff"
        elif [ "$core" = threaded ] && ! cmp -s "$work/$name.switch.out" "$out"; then
            failed=$((failed + 1))
            echo "FAIL $name: the two cores' outputs differ (cycle counts)"
            diff "$work/$name.switch.out" "$out" | sed 's/^/    /'
        else
            passed=$((passed + 1))
            echo "ok   $name ($core)"
        fi
    done
done

echo "debugcli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

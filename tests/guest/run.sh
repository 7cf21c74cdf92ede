#!/bin/sh
# run.sh LAB86 BUILDDIR -- run every guest test under lab86 and tally the results.
#
# A test passes only if the emulator's exit status is the expected one (33 = the guest
# wrote 0x10 to the isa-debug-exit port; 4 = triple fault, for triple_fault) and its
# output has at least one "PASS:" line and no "FAIL:" line.  A failing test's output is
# printed.  The last line is always "guest: N passed, N failed".
#
# Extra emulator flags (e.g. to pick the interpreter core) come from $LAB86_FLAGS.

if [ $# -ne 2 ]; then
    echo "usage: $0 LAB86 BUILDDIR" >&2
    exit 2
fi
lab86=$1
dir=$2/guests
tests="pm_entry exceptions paging privilege v86 task double_fault triple_fault alu pic_pit"
passed=0
failed=0
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT INT TERM

for t in $tests; do
    image=$dir/$t.elf
    [ -f "$image" ] || image=$dir/$t.bin
    want=33
    [ "$t" = triple_fault ] && want=4
    if [ "$t" = pm_entry ]; then
        # shellcheck disable=SC2086
        "$lab86" run --kernel "$image" -m 32 --append "hello world" \
            --max-cycles 200000000 $LAB86_FLAGS </dev/null >"$out" 2>&1
    else
        # shellcheck disable=SC2086
        "$lab86" run --kernel "$image" -m 32 \
            --max-cycles 200000000 $LAB86_FLAGS </dev/null >"$out" 2>&1
    fi
    status=$?
    if [ "$status" -eq "$want" ] && grep -q '^PASS:' "$out" && ! grep -q '^FAIL:' "$out"; then
        passed=$((passed + 1))
        echo "ok   $t"
    else
        failed=$((failed + 1))
        echo "FAIL $t (exit status $status, expected $want)"
        sed 's/^/    /' "$out"
    fi
done

echo "guest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# run.sh LAB86 BUILDDIR -- run every guest test under lab86 and tally the results.
#
# Every test runs three times: under the switch core, under the threaded core, and with
# --lockstep (both cores side by side, compared every few instructions).  A test passes
# only if
#   - each run's exit status is the expected one (33 = the guest wrote 0x10 to the
#     isa-debug-exit port; 4 = triple fault, for triple_fault) and its output has at
#     least one "PASS:" line and no "FAIL:" line;
#   - the two cores' runs print exactly the same thing, their final cycle and instruction
#     counts included (--report-cycles);
#   - the lock-step run reports "no divergence".
# A failing run's output is printed.  The last line is always "guest: N passed, N failed".
#
# Extra emulator flags come from $LAB86_FLAGS, added to every run.

if [ $# -ne 2 ]; then
    echo "usage: $0 LAB86 BUILDDIR" >&2
    exit 2
fi
lab86=$1
dir=$2/guests
tests="pm_entry exceptions paging privilege v86 task double_fault triple_fault alu pic_pit smc
       linuxboot uart ata kbd apic_timer smp fdc fpu pae tsc_sync"
tests="$tests string lazyflags"
passed=0
failed=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# run_guest TEST OUTFILE FLAGS...: run one test; prints nothing, returns the exit status.
run_guest() {
    t=$1
    o=$2
    shift 2
    image=$dir/$t.elf
    [ -f "$image" ] || image=$dir/$t.bin
    append=
    initrd=
    hda=
    fda=
    board=
    [ "$t" = pm_entry ] && append="hello world"
    [ "$t" = apic_timer ] && board="--board pc"  # the APICs are on the pc board
    [ "$t" = smp ] && board="--smp 2"           # two CPUs (this implies the pc board)
    [ "$t" = tsc_sync ] && board="--smp 2"
    [ "$t" = fdc ] && fda=$dir/fdc.img          # read only: shared by every run
    if [ "$t" = ata ]; then
        hda=$o.img                      # a fresh copy: the test writes to its disk
        cp "$dir/ata.img" "$hda" || return 2
    fi
    if [ "$t" = linuxboot ]; then
        append="console=ttyS0 lab86=linuxboot"
        initrd=$dir/linuxboot.initrd
    fi
    # shellcheck disable=SC2086
    "$lab86" run --kernel "$image" -m 32 ${append:+--append "$append"} \
        ${initrd:+--initrd "$initrd"} ${hda:+--hda "$hda"} ${fda:+--fda "$fda"} $board --max-cycles 200000000 "$@" \
        $LAB86_FLAGS \
        </dev/null >"$o" 2>&1
}

# verdict TEST OUTFILE STATUS WANT: does this run pass? Prints why not.
verdict() {
    if [ "$3" -eq "$4" ] && grep -q '^PASS:' "$2" && ! grep -q '^FAIL:' "$2"; then
        return 0
    fi
    echo "FAIL $1 (exit status $3, expected $4)"
    sed 's/^/    /' "$2"
    return 1
}

for t in $tests; do
    want=33
    [ "$t" = triple_fault ] && want=4
    ok=1
    for core in switch threaded; do
        run_guest "$t" "$tmp/$core" --core "$core" --report-cycles
        verdict "$t --core $core" "$tmp/$core" $? $want || ok=0
    done
    if [ $ok -eq 1 ] && ! cmp -s "$tmp/switch" "$tmp/threaded"; then
        echo "FAIL $t (the switch and threaded cores differ)"
        diff "$tmp/switch" "$tmp/threaded" | sed 's/^/    /'
        ok=0
    fi
    run_guest "$t" "$tmp/lockstep" --lockstep
    status=$?
    if ! grep -q '^lab86: lockstep: no divergence' "$tmp/lockstep"; then
        echo "FAIL $t --lockstep (a divergence, or no verdict)"
        sed 's/^/    /' "$tmp/lockstep"
        ok=0
    elif ! verdict "$t --lockstep" "$tmp/lockstep" $status $want; then
        ok=0
    fi
    if [ $ok -eq 1 ]; then
        passed=$((passed + 1))
        echo "ok   $t ($(grep '^cycles:' "$tmp/threaded"), both cores, lock-step)"
    else
        failed=$((failed + 1))
    fi
done

echo "guest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# run.sh LAB86 GUEST WORKDIR SMP_GUEST -- `lab86 run --loadvm FILE` and `--savevm-at N:FILE`.
#
# GUEST is tests/snapshot/guest.asm assembled (timer interrupts, paging, COM1), SMP_GUEST
# tests/snapshot/smp_guest.asm (CPUs racing on shared memory: its output records how they
# interleaved). Part 1, the round trip, under both cores, for GUEST and for SMP_GUEST
# with --smp 2 and --smp 4: a run saved at a cycle prints and ends exactly as an
# uninterrupted one; a run started from that file with --loadvm prints the rest of the
# output and ends at the same cycle with the same status, also on the other core; the
# first part (--max-cycles at the same cycle) and the loaded run's part together are the
# uninterrupted output. Part 2, bad snapshots: each gives exit status 2, nothing on
# stdout and one line on stderr naming the file and the problem.
#
# The last line is always "snapshot-cli: N passed, N failed"; the exit status is non-zero
# if any test failed.

if [ $# -ne 4 ]; then
    echo "usage: $0 LAB86 GUEST WORKDIR SMP_GUEST" >&2
    exit 2
fi
lab86=$1
guest=$2
work=$3
smp_guest=$4
passed=0
failed=0
mkdir -p "$work" || exit 2
out=$work/stdout
err=$work/stderr
. "$(dirname "$0")/../cli/lib.sh" # ok, bad, expect_error

# expect_run_error NAME FRAGMENT ARGS...: expect_error for `lab86 run` on the guest.
expect_run_error() {
    n=$1
    f=$2
    shift 2
    expect_error "$n" "$f" run --kernel "$guest" "$@"
}

# run KERNEL OUTFILE ARGS...: lab86 run on a guest; sets $status, keeps stderr in $err.
run() {
    kernel=$1
    file=$2
    shift 2
    "$lab86" run --kernel "$kernel" -m 2M --report-cycles "$@" </dev/null >"$file" 2>"$err"
    status=$?
}

# round_trip LABEL KERNEL AT ARGS...: part 1 for one guest and machine, saved at cycle AT.
round_trip() {
    label=$1
    kernel=$2
    at=$3
    shift 3
    for core in switch threaded; do
        other=threaded
        [ $core = threaded ] && other=switch
        run "$kernel" "$work/full.$core" --core $core "$@"
        full_status=$status
        full_cycles=$(grep '^cycles:' "$err")
        if [ "$full_status" -eq 33 ] && [ -n "$full_cycles" ]; then
            ok "$label$core: the uninterrupted run ends (status 33, $full_cycles)"
        else
            bad "$label$core: the uninterrupted run" "status $full_status"
        fi

        rm -f "$work/at.snap"
        run "$kernel" "$work/saved.$core" --core $core --savevm-at "$at:$work/at.snap" "$@"
        if [ "$status" -eq "$full_status" ] && cmp -s "$work/saved.$core" "$work/full.$core" &&
            [ "$(grep '^cycles:' "$err")" = "$full_cycles" ] && [ -s "$work/at.snap" ]; then
            ok "$label$core: --savevm-at writes the file and changes nothing in the run"
        else
            bad "$label$core: --savevm-at" "status $status, output or cycles differ, or no file"
        fi

        run "$kernel" "$work/first.$core" --core $core --max-cycles $at "$@"
        for load_core in $core $other; do
            run "$kernel" "$work/loaded.$core" --core $load_core --loadvm "$work/at.snap" "$@"
            cat "$work/first.$core" "$work/loaded.$core" >"$work/joined.$core"
            if [ "$status" -eq "$full_status" ] &&
                [ "$(grep '^cycles:' "$err")" = "$full_cycles" ] &&
                cmp -s "$work/joined.$core" "$work/full.$core" && [ -s "$work/loaded.$core" ]; then
                ok "$label$core: --loadvm on the $load_core core ends as the uninterrupted run"
            else
                bad "$label$core: --loadvm on the $load_core core" \
                    "status $status, or the output or cycle count differs"
            fi
        done
    done
}

# The SMP guest is saved at a cycle inside a turn of the BSP's whose APs have not run
# yet (test_snapshot_smp.c saves there too); the other machines' snapshots come first,
# so that at.snap is the one-CPU guest's for part 2.
round_trip "--smp 2, " "$smp_guest" 1234567 --smp 2
round_trip "--smp 4, " "$smp_guest" 1234567 --smp 4
cp "$work/at.snap" "$work/smp4.snap"
round_trip "" "$guest" 1500000

head -c 100 "$work/at.snap" >"$work/short.snap"
printf 'not a snapshot at all, just some text\n' >"$work/text.snap"
expect_run_error "a missing snapshot" "$work/none.snap: No such file" -m 2M --loadvm "$work/none.snap"
expect_run_error "a truncated snapshot" "truncated snapshot (100 of" -m 2M --loadvm "$work/short.snap"
expect_run_error "a file that is no snapshot" "not a lab86 snapshot" -m 2M --loadvm "$work/text.snap"
expect_run_error "a snapshot of another RAM size" "2 MiB of RAM; this one has 4" -m 4M \
    --loadvm "$work/at.snap"
expect_run_error "a snapshot of another board" "isa board; this machine is pc" -m 2M --board pc \
    --loadvm "$work/at.snap"
expect_run_error "a snapshot of another CPU count" "machine with 4 CPUs; this one has 2" -m 2M \
    --smp 2 --loadvm "$work/smp4.snap"
cp "$work/at.snap" "$work/v1.snap"
printf '\001' | dd of="$work/v1.snap" bs=1 seek=8 conv=notrunc 2>/dev/null
expect_run_error "a snapshot of format version 1" "format version 1; this lab86 reads version 5" \
    -m 2M --loadvm "$work/v1.snap"
expect_run_error "--savevm-at without a file" "expects N:FILE" --savevm-at 100
expect_run_error "--savevm-at with a bad cycle" "not a number of cycles" --savevm-at x:y.snap

echo "snapshot-cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

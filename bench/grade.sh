#!/bin/sh
# grade.sh LAB86 OUTDIR -- `make bench-grade`: how fast `lab86 grade` is (issue 5's
# benchmark; measures, asserts nothing; not part of `make check`).
#
#   1. host seconds to grade each lab's solution, build included (median of 3; target: at
#      most 1 s each);
#   2. submissions graded per second by `--batch -j 2` over 100 copies of lab 2's solution.
# Copies live in OUTDIR, so the source tree is never written. The table goes to
# OUTDIR/grade.txt.
set -u
lab86=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
root=$(pwd)
mkdir -p "$out" || exit 2
work=$(mktemp -d "$out/grade.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM

now() { date +%s.%N; }
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

{
echo "lab86 grade: host seconds per lab solution, build included (median of 3; target <= 1 s)"
for dir in "$root"/labs/[0-9][0-9]-*; do
    lab=$(basename "$dir")
    times=""
    for k in 1 2 3; do
        sub=$work/$lab-$k
        cp -r "$dir/solution" "$sub" && rm -rf "$sub/build"
        t0=$(now)
        "$lab86" grade "$dir" --submission "$sub" >/dev/null 2>&1
        status=$?
        t1=$(now)
        times="$times $(echo "$t1 - $t0" | bc)"
        [ $status -eq 0 ] || echo "  ($lab: not full marks, status $status)"
    done
    # shellcheck disable=SC2086
    printf '  %-16s %6.2f s\n' "$lab" "$(median3 $times)"
done

batch=$work/batch
mkdir -p "$batch"
for k in $(seq -w 1 100); do
    cp -r "$root/labs/02-interrupts/solution" "$batch/s$k" && rm -rf "$batch/s$k/build"
done
t0=$(now)
"$lab86" grade "$root/labs/02-interrupts" --batch "$batch" -j 2 --csv "$work/grades.csv" \
    >/dev/null 2>&1
t1=$(now)
secs=$(echo "$t1 - $t0" | bc)
full=$(grep -c ',100,100' "$work/grades.csv" 2>/dev/null || echo 0)
printf 'batch -j 2, 100 copies of 02-interrupts: %.1f s, %.1f submissions/s (%s of 100 full marks)\n' \
    "$secs" "$(echo "100 / $secs" | bc -l)" "$full"
} | tee "$out/grade.txt"

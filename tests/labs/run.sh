#!/bin/sh
# run.sh LAB86 BUILDDIR -- grade every lab's solution and starter with `lab86 grade`.
#
# For each labs/NN-name: the solution must get full marks (status 0), the starter must
# not (status 1, with a score table, never a crash or a host error); and the first lab's
# solution is graded twice, its JSON results compared byte for byte (determinism).
# Submissions are graded from copies in a temporary directory, so that the builds never
# write into the source tree and two checks can run side by side.
# The last line is always "labs: N passed, N failed".

if [ $# -ne 2 ]; then
    echo "usage: $0 LAB86 BUILDDIR" >&2
    exit 2
fi
lab86=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(pwd)
passed=0
failed=0
runs=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# grade LAB KIND OUT [FLAGS...]: grade a copy of labs/LAB/KIND; prints nothing, returns
# lab86's status; its output in OUT.
grade() {
    lab=$1
    kind=$2
    out=$3
    shift 3
    runs=$((runs + 1))
    sub=$tmp/$lab-$kind-$runs
    cp -r "$root/labs/$lab/$kind" "$sub" && rm -rf "$sub/build"
    "$lab86" grade "$root/labs/$lab" --submission "$sub" "$@" </dev/null >"$out" 2>&1
}

result() {
    if [ "$1" -eq 0 ]; then
        passed=$((passed + 1))
        echo "ok   $2"
    else
        failed=$((failed + 1))
        echo "FAIL $2"
        sed 's/^/    /' "$3"
    fi
}

for dir in "$root"/labs/[0-9][0-9]-*; do
    lab=$(basename "$dir")
    grade "$lab" solution "$tmp/out"
    status=$?
    [ $status -eq 0 ]
    result $? "$lab solution: full marks (status $status)" "$tmp/out"
    grade "$lab" starter "$tmp/out"
    status=$?
    [ $status -eq 1 ] && grep -q 'Score' "$tmp/out"
    result $? "$lab starter: not full marks (status $status)" "$tmp/out"
done

first=$(basename "$(ls -d "$root"/labs/[0-9][0-9]-* | head -n 1)")
grade "$first" solution "$tmp/out1" --json "$tmp/a.json"
grade "$first" solution "$tmp/out2" --json "$tmp/b.json"
cmp -s "$tmp/a.json" "$tmp/b.json" && [ -s "$tmp/a.json" ]
result $? "$first graded twice: identical results" "$tmp/out2"

echo "labs: $passed passed, $failed failed"
[ $failed -eq 0 ]

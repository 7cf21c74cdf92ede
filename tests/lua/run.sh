#!/bin/sh
# run.sh LAB86 BUILDDIR -- the tests of the Lua module and of `lab86 grade`.
#
#   1. tests/lua/{regs,watch,paging,pae,keys,vectors,owners,errors}.lua under `lab86 script`, each under
#      both interpreter cores: each checks what it reads and fails on a difference, and
#      the two cores' outputs (cycle counts included) must be the same;
#   2. a script error names FILE:LINE, has a traceback and exits 1; a runaway script is
#      stopped by the instruction bound; a missing script is status 2;
#   3. `lab86 run --script`: the hook's output and the guest's own exit status;
#   4. the sample lab (tests/lua/lab-sample): the solution gets full marks (status 0),
#      the broken one partial marks (status 1), the solution graded twice gives the same
#      bytes (table and report files), the JUnit and Gradescope files are well formed
#      with the right scores, and --batch -j 2 grades a good, a broken, an unbuildable,
#      a looping and a triple-faulting submission with the right scores and reasons.
# The last line is "lua: N passed, N failed".

if [ $# -ne 2 ]; then
    echo "usage: $0 LAB86 BUILDDIR" >&2
    exit 2
fi
lab86=$1
build=$2
guests=$build/guests
here=tests/lua
out=$build/tests/lua
passed=0
failed=0
rm -rf "$out/work"
mkdir -p "$out/work" || exit 2
work=$out/work

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect_status WHAT WANT GOT
expect_status() {
    if [ "$3" -eq "$2" ]; then ok; else bad "$1: exit status $3, expected $2"; fi
}

# 1. the scripts, under both cores
for t in regs watch paging pae keys vectors owners errors; do
    for core in switch threaded; do
        "$lab86" script "$here/$t.lua" "$core" "$guests" >"$work/$t.$core" 2>&1
        expect_status "$t.lua ($core)" 0 $?
    done
    if cmp -s "$work/$t.switch" "$work/$t.threaded"; then ok; else
        bad "$t.lua: the cores differ"; diff "$work/$t.switch" "$work/$t.threaded"
    fi
    grep -q . "$work/$t.switch" || bad "$t.lua: printed nothing"
done
for f in "$work"/*.switch "$work"/*.threaded; do
    grep -q "^lab86:" "$f" && cat "$f"
done

# 2. errors
start=$(nm "$guests/demo.elf" | awk '$3 == "_start" { print $1 }')
"$lab86" script "$here/script_error.lua" "$guests/demo.elf" switch "$start" 2>"$work/err" >/dev/null
expect_status "script error" 1 $?
first=$(head -n 1 "$work/err")
want="lab86: $here/script_error.lua:6: attempt to index a nil value (local 't')"
[ "$first" = "$want" ] && ok || bad "script error: first line '$first', expected '$want'"
grep -q "^stack traceback:" "$work/err" && grep -q "script_error.lua:4>" "$work/err" && ok ||
    bad "script error: no traceback through the callback"; 
"$lab86" script "$here/runaway.lua" 2>"$work/runaway" >/dev/null
expect_status "runaway script" 1 $?
grep -q "^lab86: $here/runaway.lua:4: .*endless loop" "$work/runaway" && ok || { bad "runaway: no message"; cat "$work/runaway"; }
"$lab86" script "$here/no-such-script.lua" 2>"$work/missing"
expect_status "missing script" 2 $?
[ "$(wc -l <"$work/missing")" -eq 1 ] && ok || bad "missing script: not one line"

# 3. run --script
for core in switch threaded; do
    DEMO_START=$start "$lab86" run --kernel "$guests/demo.elf" --core $core \
        --script "$here/hook.lua" >"$work/hook.$core" 2>&1
    expect_status "run --script ($core)" 33 $?
    grep -q "^script: eax=2badb002 at $start" "$work/hook.$core" && ok ||
        { bad "run --script: no hook output"; cat "$work/hook.$core"; }
    grep -q "^cpu vendor: " "$work/hook.$core" && ok || bad "run --script: no guest output"
done

# 4. grading
lab=$here/lab-sample
mkdir -p "$work/subs" "$work/batch"
for s in solution broken; do cp -r "$lab/$s" "$work/subs/$s"; done
for core in switch threaded; do
    "$lab86" grade "$lab" --submission "$work/subs/solution" --core $core \
        --junit "$work/j1.xml" --gradescope "$work/g1.json" --json "$work/o1.json" >"$work/grade1"
    expect_status "grade solution ($core)" 0 $?
    grep -q "^Score: 40/40$" "$work/grade1" && ok || { bad "solution: not 40/40"; cat "$work/grade1"; }
    "$lab86" script "$here/reports.lua" "$work/j1.xml" "$work/g1.json" "$work/o1.json" 40 40 0 \
        >/dev/null && ok || bad "reports of the solution"
    "$lab86" grade "$lab" --submission "$work/subs/solution" --core $core \
        --junit "$work/j2.xml" --gradescope "$work/g2.json" --json "$work/o2.json" >"$work/grade2"
    for f in grade j.xml g.json o.json; do
        a=$work/$(echo $f | sed 's/\./1./'); b=$work/$(echo $f | sed 's/\./2./')
        [ $f = grade ] && { a=$work/grade1; b=$work/grade2; }
        cmp -s "$a" "$b" && ok || bad "grading twice: $f differs"
    done
    "$lab86" grade "$lab" --submission "$work/subs/broken" --core $core \
        --junit "$work/jb.xml" --gradescope "$work/gb.json" --json "$work/ob.json" >"$work/gradeb"
    expect_status "grade broken ($core)" 1 $?
    grep -q "^Score: 20/40$" "$work/gradeb" && ok || { bad "broken: not 20/40"; cat "$work/gradeb"; }
    grep -q "MISSING 'paging on'" "$work/gradeb" && ok || bad "broken: no MISSING line"
    grep -q "ebx: expected 0x2a, got 0x29" "$work/gradeb" && ok || bad "broken: no register message"
    "$lab86" script "$here/reports.lua" "$work/jb.xml" "$work/gb.json" "$work/ob.json" 20 40 2 \
        >/dev/null && ok || bad "reports of the broken submission"
done

# the batch: good, broken, not building, looping, triple-faulting
b=$work/batch
cp -r "$lab/solution" "$b/a-good"
cp -r "$lab/broken" "$b/b-broken"
mkdir "$b/c-nobuild" "$b/d-loop" "$b/e-triple"
echo "this is not assembly" >"$b/c-nobuild/kernel.asm"
printf 'bits 32\nsection .multiboot\n dd 0x1BADB002, 0, -0x1BADB002\nsection .text\nglobal _start\n_start: jmp _start\n' \
    >"$b/d-loop/kernel.asm"
printf 'bits 32\nsection .multiboot\n dd 0x1BADB002, 0, -0x1BADB002\nsection .text\nglobal _start\n_start: lidt [idtr]\n int3\nidtr: dw 0\n dd 0\n' \
    >"$b/e-triple/kernel.asm"
"$lab86" grade "$lab" --batch "$b" -j 2 --csv "$work/batch.csv" >"$work/batch.out"
expect_status "batch" 0 $?
check_csv() { # NAME SCORE REASON
    line=$(grep "^\"$1\"," "$work/batch.csv")
    case "$line" in
    "\"$1\",$2,40,"*"$3"*) ok ;;
    *) bad "batch: $1: '$line' (expected $2/40 and '$3')" ;;
    esac
}
check_csv a-good 40 '""'
check_csv b-broken 20 "ebx: expected 0x2a, got 0x29"
check_csv c-nobuild 0 "did not build"
check_csv d-loop 0 "the cycle budget ran out"
check_csv e-triple 0 "triple-faulted"
[ "$(wc -l <"$work/batch.out")" -eq 5 ] && ok || { bad "batch: not 5 lines"; cat "$work/batch.out"; }

echo "lua: $passed passed, $failed failed"
[ $failed -eq 0 ]

#!/bin/bash
# run.sh LAB86 OUTDIR -- `make bench`: lab86 against Bochs and QEMU on the same guest.
#
# What it does, in order (bench/README.md explains how to read the result):
#
#   1. installs the peers if they are missing (Debian: bochs, bochsbios, vgabios,
#      qemu-system-x86, time) -- users of lab86 never need them, only this script does;
#   2. builds the guest, bench/bench.asm, as a multiboot kernel (bench-N.bin, for lab86 and
#      QEMU) and as a boot floppy (bench-N.img, bench/boot.asm + the same kernel, for Bochs),
#      for each iteration count N it needs;
#   3. checks every system on the ITER=0 image and on a small common one (ITER=10): the
#      guest's self-test must pass and its checksum must be the same everywhere; QEMU also
#      boots the floppy once, so both builds of the guest are checked;
#   4. picks each system's N so that its measured part takes about BENCH_SECONDS (unless
#      BENCH_ITER fixes one N for all): QEMU is tens of times faster than an interpreter,
#      and with the interpreters' N it would finish inside its own start-up noise;
#   5. runs BENCH_RUNS rounds; a round runs every system on its ITER=N image and on the
#      ITER=0 image, interleaved, so that a slow spell of the host hits every system alike;
#   6. prints the table: guest MIPS = N * K / (median t(N) - median t(0)), where K is the
#      guest's instructions per iteration (it prints K; QEMU -icount, Bochs and lab86's own
#      counter confirm it), lab86's ratio to each system, and peak resident memory.
#
# Environment: BENCH_ITER (auto | N), BENCH_RUNS (5), BENCH_SECONDS (2), BENCH_TIMEOUT
# (300, seconds a single run may take).  Every run's output stays in OUTDIR/runs/.
# Exit status: 0 when every lab86 core ran and no two systems disagreed on a checksum,
# 1 otherwise, 2 for a usage error.  A peer that cannot be installed or run is reported
# and skipped.

set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 LAB86 OUTDIR" >&2
    exit 2
fi
lab86=$1
out=$2
iter_mode=${BENCH_ITER:-auto}
runs=${BENCH_RUNS:-5}
target=${BENCH_SECONDS:-2}
run_timeout=${BENCH_TIMEOUT:-300}
here=$(cd "$(dirname "$0")" && pwd)
check_iter=10                           # the common image every system must agree on
export LC_ALL=C                         # decimal points in awk and printf

if [ ! -x "$lab86" ]; then
    echo "bench: $lab86: no lab86 binary (build it first: make)" >&2
    exit 2
fi
case $iter_mode in
auto) ;;
'' | 0* | *[!0-9]*)
    echo "bench: BENCH_ITER=$iter_mode: not 'auto' or a positive number" >&2
    exit 2
    ;;
esac
case $runs in
'' | 0* | *[!0-9]*) echo "bench: BENCH_RUNS=$runs: not a positive number" >&2; exit 2 ;;
esac
case $target in
'' | *[!0-9.]* | *.*.* | .) echo "bench: BENCH_SECONDS=$target: not a number" >&2; exit 2 ;;
esac
mkdir -p "$out/runs"
lab86=$(cd "$(dirname "$lab86")" && pwd)/$(basename "$lab86")
out=$(cd "$out" && pwd)

# ------------------------------------------------------------------------------------
# 1. The peers.  Missing packages are installed with apt-get (as root, or through sudo);
#    a peer whose package cannot be installed is skipped and reported at the end.
# ------------------------------------------------------------------------------------

bochs_bios=/usr/share/bochs/BIOS-bochs-latest
vga_bios=/usr/share/vgabios/vgabios.bin

missing_packages() {
    command -v nasm >/dev/null || echo nasm
    command -v bochs >/dev/null || echo bochs
    [ -f "$bochs_bios" ] || echo bochsbios
    [ -f "$vga_bios" ] || echo vgabios
    command -v qemu-system-i386 >/dev/null || echo qemu-system-x86
    [ -x /usr/bin/time ] || echo time
}

install_packages() {
    local sudo=
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    echo "bench: installing the peers: $*"
    # shellcheck disable=SC2086
    $sudo apt-get install -y "$@" >"$out/apt.log" 2>&1 && return 0
    # A fresh machine may have no package lists yet.
    # shellcheck disable=SC2086
    $sudo apt-get update >>"$out/apt.log" 2>&1 &&
        $sudo apt-get install -y "$@" >>"$out/apt.log" 2>&1 && return 0
    echo "bench: apt-get failed (see $out/apt.log); going on without: $*"
}

# shellcheck disable=SC2046
[ -z "$(missing_packages)" ] || install_packages $(missing_packages)
command -v nasm >/dev/null || { echo "bench: nasm is needed to build the guest" >&2; exit 1; }

failures=""                             # one line per system that could not be measured
note_failure() {
    failures="$failures$*
"
}

# ------------------------------------------------------------------------------------
# 2. The systems.  An id each; launch() knows how to run each one.
# ------------------------------------------------------------------------------------

systems=""
lab86_systems=""
if "$lab86" run --help 2>&1 | grep -q -- --core; then
    lab86_systems="lab86-threaded lab86-switch"
else
    lab86_systems="lab86"
fi
systems=$lab86_systems
# The same lab86 built with CYCLE_MODEL=0 (one cycle an instruction), from bench.mk: its
# speed beside the real build's is what the cycle model costs.
flat_lab86=${BENCH_FLAT_LAB86:-}
if [ -n "$flat_lab86" ] && [ -x "$flat_lab86" ]; then
    systems="$systems lab86-flat"
elif [ -n "$flat_lab86" ]; then
    note_failure "lab86-flat: not run: $flat_lab86 is not an executable"
fi
if command -v bochs >/dev/null && [ -f "$bochs_bios" ] && [ -f "$vga_bios" ]; then
    systems="$systems bochs"
else
    note_failure "bochs: not run: bochs, bochsbios or vgabios is not installed"
fi
if command -v qemu-system-i386 >/dev/null; then
    systems="$systems qemu qemu-icount"
else
    note_failure "qemu: not run: qemu-system-i386 is not installed"
fi
time_bin=
[ -x /usr/bin/time ] && time_bin=/usr/bin/time

# The name of a system in the table.
label() {
    case $1 in
    lab86-threaded) echo "lab86 --core threaded" ;;
    lab86-switch) echo "lab86 --core switch" ;;
    lab86) echo "lab86" ;;
    lab86-flat) echo "lab86 threaded, flat" ;;
    bochs) echo "bochs 2.7" ;;
    qemu) echo "qemu TCG" ;;
    qemu-icount) echo "qemu TCG icount shift=0" ;;
    qemu-floppy) echo "qemu TCG, floppy" ;;
    esac
}

# Flags every QEMU run shares: the same 32 MiB PC, no default devices (no VGA, no NIC),
# the debug console on stdout and the isa-debug-exit device at 0xF4.
# shellcheck disable=SC2054  # the commas belong to -device's argument
qemu_flags=(-accel tcg -m 32 -display none -nodefaults -no-reboot -serial none
    -monitor none -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04)

# launch SYSTEM N STDOUT STDERR TIMEFILE: one run of the ITER=N guest; returns its status.
# /usr/bin/time writes the peak resident set size (KiB) and the user and system CPU
# seconds, of every thread of the run, to TIMEFILE.
launch() {
    local sys=$1 bin=$out/bench-$2.bin img=$out/bench-$2.img
    local wrap=(timeout "$run_timeout")
    [ -z "$time_bin" ] || wrap+=("$time_bin" -f '%M %U %S' -o "$5")
    case $sys in
    lab86-threaded | lab86-switch)
        "${wrap[@]}" "$lab86" run --core "${sys#lab86-}" --kernel "$bin" -m 32 </dev/null ;;
    lab86)
        "${wrap[@]}" "$lab86" run --kernel "$bin" -m 32 </dev/null ;;
    lab86-flat)
        "${wrap[@]}" "$flat_lab86" run --core threaded --kernel "$bin" -m 32 </dev/null ;;
    bochs)
        # "c": continue, for the internal debugger that stops before the first instruction
        printf 'c\n' | BENCH_FLOPPY=$img "${wrap[@]}" bochs -q -f "$here/bochsrc" \
            -log "$3.bochs-log" ;;
    qemu)
        "${wrap[@]}" qemu-system-i386 "${qemu_flags[@]}" -kernel "$bin" </dev/null ;;
    qemu-icount)
        "${wrap[@]}" qemu-system-i386 "${qemu_flags[@]}" -icount shift=0 -kernel "$bin" \
            </dev/null ;;
    qemu-floppy)
        "${wrap[@]}" qemu-system-i386 "${qemu_flags[@]}" -boot a \
            -drive "file=$img,if=floppy,format=raw" </dev/null ;;
    esac >"$3" 2>"$4"
}

# ------------------------------------------------------------------------------------
# Images: bench-N.bin (multiboot) and bench-N.img (floppy), built once per session.
# ------------------------------------------------------------------------------------

declare -A built
image() {
    local n=$1
    [ -z "${built[$n]:-}" ] || return 0
    nasm -f bin -w+all -w-unknown-warning -DITER="$n" -o "$out/bench-$n.bin" \
        "$here/bench.asm"
    (cd "$out" && nasm -f bin -w+all -w-unknown-warning -DKERNEL="\"bench-$n.bin\"" \
        -o "bench-$n.img" "$here/boot.asm")
    built[$n]=1
}

# ------------------------------------------------------------------------------------
# One run, checked: run_checked SYSTEM N TAG sets t_ns (wall time, ns), rss_kb, cpu_ns
# (user + system CPU time, ns; -1 when unknown), and returns 1 (after noting why) when the
# run did not end as it should.
# ------------------------------------------------------------------------------------

declare -A checksum_of checksum_from   # N -> the checksum, and the system that gave it first
declare -A k_of tsc_of                 # "SYSTEM N" -> insns/iteration; the rdtsc delta
checksum_mismatch=0
t_ns=0
rss_kb=0
cpu_ns=-1

run_checked() {
    local sys=$1 n=$2 tag=$3
    local o=$out/runs/$sys-$n-$tag.out e=$out/runs/$sys-$n-$tag.err r=$out/runs/$sys-$n-$tag.rss
    image "$n"
    local start end status=0
    start=$(date +%s%N)
    launch "$sys" "$n" "$o" "$e" "$r" || status=$?
    end=$(date +%s%N)
    t_ns=$((end - start))
    # The last line: GNU time puts "Command exited with non-zero status" before it.
    local usage
    usage=$(tail -n 1 "$r" 2>/dev/null || true)
    # shellcheck disable=SC2016  # an awk pattern, not a shell expansion
    local good='NF == 3 && $1 ~ /^[0-9]+$/'
    rss_kb=$(echo "$usage" | awk "$good"' { print $1; exit } { print 0 }')
    cpu_ns=$(echo "$usage" | awk "$good"' { printf "%.0f\n", ($2 + $3) * 1e9; exit }
        { print -1 }')
    # lab86 and QEMU exit with (0x10 << 1) | 1 = 33; Bochs with 1 after its shutdown port.
    local want=33
    [ "$sys" != bochs ] || want=1
    if [ "$status" -ne "$want" ] || ! grep -q '^bench: self-test ok' "$o" ||
        ! grep -q '^bench: done' "$o"; then
        note_failure "$(label "$sys"): ITER=$n run failed, exit status $status:" \
            "$(sed '/^[=[:space:]]*$/d' "$e" | tail -n 1) (see $o, $e)"
        return 1
    fi
    local sum
    sum=$(sed -n 's/^bench: checksum 0x\([0-9a-f]*\).*/\1/p' "$o")
    k_of["$sys $n"]=$(sed -n 's/.*instructions per iteration \([0-9]*\).*/\1/p' "$o")
    tsc_of["$sys $n"]=$(sed -n 's/^bench: rdtsc delta 0x\([0-9a-f]*\).*/\1/p' "$o")
    if [ -z "${checksum_of[$n]:-}" ]; then
        checksum_of[$n]=$sum
        checksum_from[$n]=$sys
    elif [ "${checksum_of[$n]}" != "$sum" ]; then
        note_failure "$(label "$sys"): ITER=$n checksum 0x$sum, but $(label \
            "${checksum_from[$n]}") gave 0x${checksum_of[$n]}"
        checksum_mismatch=1
    fi
    return 0
}

# seconds NS: nanoseconds as seconds, for messages.
seconds() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }

# ------------------------------------------------------------------------------------
# 3 and 4. Check every system, and choose its N.
# ------------------------------------------------------------------------------------

echo "bench: building the guest and checking every system on it"
load_start=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?')
declare -A iter_of                      # SYSTEM -> its N
measured=""                             # the systems that passed the check
for sys in $systems; do
    run_checked "$sys" 0 check || continue
    t0=$t_ns
    run_checked "$sys" "$check_iter" check || continue
    n=$check_iter
    dt=$((t_ns - t0))
    if [ "$iter_mode" != auto ]; then
        iter_of[$sys]=$iter_mode
    else
        # Calibrate: grow N fourfold until the measured part is long enough (0.3 s)
        # to estimate its rate, then scale N to about BENCH_SECONDS.
        ok=1
        while [ "$dt" -lt 300000000 ] && [ "$n" -lt 100000 ]; do
            n=$((n * 4))
            run_checked "$sys" "$n" calibrate || { ok=0; break; }
            dt=$((t_ns - t0))
        done
        [ "$ok" -eq 1 ] || continue
        # Two significant digits, so that systems of similar speed share images.
        iter_of[$sys]=$(awk -v n="$n" -v dt="$dt" -v s="$target" 'BEGIN {
            x = s * n / (dt > 0 ? dt / 1e9 : 1e-3); if (x < 1) x = 1
            p = 1; while (x >= 100) { x /= 10; p *= 10 }
            printf "%d", int(x + 0.5) * p }')
    fi
    measured="$measured $sys"
    echo "  $(label "$sys"): ok, ITER=$n took $(seconds "$dt") s more than ITER=0;" \
        "measuring with ITER=${iter_of[$sys]}"
done
# The floppy build of the guest, under a second BIOS (SeaBIOS): checked, not measured.
if [ -n "${iter_of[qemu]:-}" ] && run_checked qemu-floppy "$check_iter" check; then
    echo "  $(label qemu-floppy): ok"
fi

case " $measured " in
*" lab86"*) ;;
*)
    echo "bench: lab86 failed to run the guest:" >&2
    printf '%s' "$failures" >&2
    exit 1
    ;;
esac

# lab86's own instruction counter: `lab86 run --stats` (or --report-cycles) prints the
# instructions of the whole run, and the counts of an ITER=10 and an ITER=0 run must differ
# by exactly 10 * K (the guest makes everything but the loop independent of ITER).  The
# count is the number after the word "instructions" on the first line that has one.
stats_line=""                           # a message, or empty
stats_delta=""                          # the difference, once found
stats_flag=""
for f in --stats --report-cycles; do
    if "$lab86" run --help 2>&1 | grep -q -- "$f"; then
        stats_flag=$f
        break
    fi
done
stats_insns() {
    "$lab86" run "$stats_flag" --kernel "$out/bench-$1.bin" -m 32 </dev/null 2>&1 |
        grep -v '^bench:' | tr -d ',_' | grep -i -o -m 1 'instructions[:= ]*[0-9][0-9]*' |
        grep -o '[0-9][0-9]*' | head -n 1 || true
}
if [ "$stats_flag" = --stats ] && [ -z "$(stats_insns 0)" ]; then
    stats_line="instruction count: lab86 --stats printed no instruction count"
    "$lab86" run --help 2>&1 | grep -q -- --report-cycles && stats_flag=--report-cycles
fi
if [ -n "$stats_flag" ]; then
    s0=$(stats_insns 0)
    s1=$(stats_insns "$check_iter")
    if [ -n "$s0" ] && [ -n "$s1" ]; then
        stats_delta=$((s1 - s0))
    else
        stats_line="instruction count: lab86 $stats_flag printed no instruction count"
    fi
fi

# ------------------------------------------------------------------------------------
# 5. The measured rounds, interleaved: in each round every system runs its N image and
#    then the ITER=0 image.
# ------------------------------------------------------------------------------------

declare -A times_n times_0 rss_n       # SYSTEM -> space-separated list of samples
declare -A cpus_n cpus_0
declare -A broken                      # SYSTEM -> 1 once a measured run has failed
echo "bench: $runs rounds of:$(for s in $measured; do printf ' %s' "$s"; done)"
for round in $(seq 1 "$runs"); do
    for sys in $measured; do
        [ -z "${broken[$sys]:-}" ] || continue
        if ! run_checked "$sys" "${iter_of[$sys]}" "r$round"; then
            broken[$sys]=1
            continue
        fi
        times_n[$sys]="${times_n[$sys]:-} $t_ns"
        rss_n[$sys]="${rss_n[$sys]:-} $rss_kb"
        cpus_n[$sys]="${cpus_n[$sys]:-} $cpu_ns"
        if ! run_checked "$sys" 0 "r$round"; then
            broken[$sys]=1
            continue
        fi
        times_0[$sys]="${times_0[$sys]:-} $t_ns"
        cpus_0[$sys]="${cpus_0[$sys]:-} $cpu_ns"
    done
    echo "  round $round done"
done

# ------------------------------------------------------------------------------------
# 6. The results.
# ------------------------------------------------------------------------------------

# median LIST: the median of numbers (the mean of the middle two for an even count).
median() {
    # shellcheck disable=SC2086  # split the list into one number a line
    printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]
        else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The guest's instructions per iteration, as it printed it (the same in every run).
k=$(printf '%s\n' "${k_of[@]}" | sort -u)
if [ "$(printf '%s\n' "$k" | wc -l)" -ne 1 ]; then
    echo "bench: the guest printed different instruction counts: $k" >&2
    exit 1
fi

# rate N T(N) T(0): millions of guest instructions a second, N * K / (T(N) - T(0)), from
# two times in ns; n/a when the difference is not positive or a time is unknown (-1).
rate() {
    awk -v n="$1" -v k="$k" -v tn="$2" -v t0="$3" 'BEGIN {
        if (tn > t0 && t0 >= 0) printf "%.1f", n * k / ((tn - t0) / 1e9) / 1e6; else print "n/a" }'
}

# The medians and the MIPS of every system first: the ratio columns need lab86's.
declare -A mips cpu_mips tn_of t0_of rss_of
tabled=""                               # the systems with at least one complete round
for sys in $measured; do
    if [ -z "${times_n[$sys]:-}" ] || [ -z "${times_0[$sys]:-}" ]; then continue; fi
    tn_of[$sys]=$(median "${times_n[$sys]}")
    t0_of[$sys]=$(median "${times_0[$sys]}")
    rss_of[$sys]=$(median "${rss_n[$sys]}")
    mips[$sys]=$(rate "${iter_of[$sys]}" "${tn_of[$sys]}" "${t0_of[$sys]}")
    cpu_mips[$sys]=$(rate "${iter_of[$sys]}" "$(median "${cpus_n[$sys]}")" \
        "$(median "${cpus_0[$sys]}")")
    tabled="$tabled $sys"
done

results=$out/results.txt
{
    echo "lab86 bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m), $(nproc) CPUs," \
        "median of $runs runs; host load average $load_start at the start," \
        "$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?') at the end"
    echo "guest: bench/bench.asm, $k instructions per iteration;" \
        "MIPS = N * $k / (t(N) - t(0))"
    echo
    header=$(printf '%-24s %6s %9s %8s %8s %8s %9s' system N "insns(M)" "t(N) s" "t(0) s" \
        MIPS "cpu MIPS")
    for l in $lab86_systems; do
        header="$header$(printf ' %14s' "${l#lab86-}/x")"
    done
    header="$header$(printf ' %9s' 'RSS MiB')"
    echo "$header"
    for sys in $tabled; do
        line=$(awk -v l="$(label "$sys")" -v n="${iter_of[$sys]}" -v k="$k" \
            -v tn="${tn_of[$sys]}" -v t0="${t0_of[$sys]}" -v m="${mips[$sys]}" \
            -v c="${cpu_mips[$sys]}" 'BEGIN {
            printf "%-24s %6d %9.1f %8.3f %8.3f %8s %9s", l, n, n * k / 1e6, tn / 1e9, t0 / 1e9,
                m, c }')
        for l in $lab86_systems; do
            line="$line$(awk -v a="${mips[$l]:-n/a}" -v b="${mips[$sys]}" 'BEGIN {
                if (a == "n/a" || b == "n/a" || b == 0) printf " %14s", "n/a";
                else printf " %14.2f", a / b }')"
        done
        line="$line$(awk -v r="${rss_of[$sys]}" 'BEGIN {
            if (r > 0) printf " %9.1f", r / 1024; else printf " %9s", "n/a" }')"
        echo "$line"
    done
    echo
    echo "MIPS: by wall time; cpu MIPS: by the CPU time (user + system, all threads) the" \
        "run used, which a busy host disturbs less."
    echo "x/y columns: lab86's MIPS divided by that row's (above 1: lab86 is faster)."
    echo "RSS: peak resident memory of the ITER=N runs (median), guest RAM 32 MiB everywhere."
    if [ -n "${cpu_mips[lab86-flat]:-}" ] && [ -n "${cpu_mips[lab86-threaded]:-}" ]; then
        awk -v m="${cpu_mips[lab86-threaded]}" -v f="${cpu_mips[lab86-flat]}" 'BEGIN {
            if (m == "n/a" || f == "n/a" || m == 0) exit
            printf "cycle accounting: the threaded core, built with CYCLE_MODEL=0 (one cycle"
            printf " an instruction), runs %.1f cpu MIPS against %.1f: the model costs" , f, m
            printf " %.0f%% (target: at most 10%%)\n", (f / m - 1) * 100 }'
    fi

    # The instruction count, checked: under QEMU -icount shift=0 the TSC counts
    # instructions, and so do Bochs's ticks; the difference of the rdtsc deltas of an
    # ITER=N and an ITER=0 run must be exactly N * K.
    for sys in qemu-icount bochs; do
        n=${iter_of[$sys]:-}
        if [ -z "$n" ] || [ -z "${tsc_of[$sys $n]:-}" ] || [ -z "${tsc_of[$sys 0]:-}" ]; then
            continue
        fi
        got=$(( 16#${tsc_of[$sys $n]} - 16#${tsc_of[$sys 0]} ))
        want=$((n * k))
        if [ "$got" -eq "$want" ]; then
            echo "instruction count: $(label "$sys") counted $got for ITER=$n," \
                "= N * K exactly"
        else
            echo "instruction count: $(label "$sys") counted $got for ITER=$n," \
                "expected N * K = $want: MISMATCH"
        fi
    done
    # lab86's TSC runs on its virtual cycle clock: cycles per instruction of the model.
    for sys in $lab86_systems; do
        n=${iter_of[$sys]:-}
        if [ -z "$n" ] || [ -z "${tsc_of[$sys $n]:-}" ] || [ -z "${tsc_of[$sys 0]:-}" ]; then
            continue
        fi
        awk -v l="$(label "$sys")" -v c=$(( 16#${tsc_of[$sys $n]} - 16#${tsc_of[$sys 0]} )) \
            -v i=$((n * k)) 'BEGIN {
            printf "virtual clock: %s: %.0f cycles for the measured part,", l, c
            printf " %.3f a guest instruction\n", c / i }'
    done
    if [ "$checksum_mismatch" -eq 0 ]; then
        echo "checksums: every system printed the same one for each image it ran;" \
            "ITER=0: 0x${checksum_of[0]}, ITER=$check_iter: 0x${checksum_of[$check_iter]:-?}" \
            "(all: $(printf '%s\n' "${!checksum_of[@]}" | wc -l) images)"
    else
        echo "checksums: MISMATCH between systems (see problems)"
    fi
    if [ -n "$stats_delta" ]; then
        verdict="= N * K exactly"
        [ "$stats_delta" -eq $((check_iter * k)) ] ||
            verdict="expected N * K = $((check_iter * k)): MISMATCH"
        echo "instruction count: lab86 $stats_flag counted $stats_delta" \
            "for ITER=$check_iter, $verdict"
    fi
    [ -z "$stats_line" ] || echo "$stats_line"
    if [ -n "$failures" ]; then
        echo
        echo "problems:"
        printf '%s' "$failures" | sed 's/^/  /'
    fi
} | tee "$results"
echo "bench: results in $results; every run's output in $out/runs/"
# Failure: systems disagreed, or a lab86 core did not complete the rounds.
[ "$checksum_mismatch" -eq 0 ] || exit 1
for l in $lab86_systems; do
    case " $tabled " in *" $l "*) ;; *) exit 1 ;; esac
done

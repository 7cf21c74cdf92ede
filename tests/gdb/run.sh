#!/bin/sh
# run.sh LAB86 DIR HELLO_IMG -- the GDB stub's tests (tests/gdb/gdb.mk); DIR
# holds target.elf and spin.elf and gets each run's files; HELLO_IMG is the
# guests/hello disk image.
#
# 1. The real gdb: for each core, lab86 runs target.elf stopped (-S) on a
#    port the kernel picks (--gdb 0); its first stderr line, read through a
#    FIFO, gives the port (no fixed port, no sleep). gdb -batch runs
#    session.gdb against it; what gdb prints, minus the lines that depend
#    on gdb's version and host, must equal session.expected, and lab86 must
#    end with the status the session's memory write makes the guest
#    choose (33) and the guest's own output. Both cores print the same.
# 2. client.py: malformed packets, a sequence of clients, and the ends of
#    a session (exit, cycle limit, detach, kill) by hand.
set -u
LAB86=$1
DIR=$2
HELLO=$3
HERE=$(dirname "$0")
fail=0
# Debian's python3 (what install-deps.sh provides), not a slower wrapper on PATH.
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

say_fail() {
    echo "gdb: FAIL: $*"
    fail=1
}

# Start lab86 with the given arguments, its stderr on a FIFO; set PORT and
# LAB86_PID. The rest of stderr is copied to $DIR/$TAG.stderr.
start_lab86() {
    fifo=$DIR/$TAG.fifo
    rm -f "$fifo"
    mkfifo "$fifo"
    "$LAB86" run "$@" >"$DIR/$TAG.stdout" 2>"$fifo" &
    LAB86_PID=$!
    exec 3<"$fifo"
    IFS= read -r line <&3 || line=
    case $line in
    "lab86: gdb: listening on 127.0.0.1:"*) PORT=${line##*:} ;;
    *) PORT= ;;
    esac
    cat <&3 >"$DIR/$TAG.stderr" &
    exec 3<&-
    rm -f "$fifo"
}

# gdb's output without what varies between gdb versions and hosts: its
# banner-like notes and warnings, and the remote connection chatter.
filter_gdb() {
    grep -v -e '^warning:' -e '^determining executable' -e '^Remote debugging' \
        -e '^Reading symbols' \
        -e '^\[Inferior 1 ' -e '^$'
}

for core in switch threaded; do
    TAG=session-$core
    start_lab86 --kernel "$DIR/target.elf" --core "$core" --gdb 0 -S --max-cycles 100000000
    if [ -z "$PORT" ]; then
        say_fail "$core: no 'listening' line from lab86"
        kill "$LAB86_PID" 2>/dev/null
        wait "$LAB86_PID"
        continue
    fi
    sed "s/@PORT@/$PORT/" "$HERE/session.gdb" >"$DIR/$TAG.gdb"
    gdb -batch -nx -x "$DIR/$TAG.gdb" "$DIR/target.elf" >"$DIR/$TAG.raw" 2>&1
    wait "$LAB86_PID"
    status=$?
    wait
    filter_gdb <"$DIR/$TAG.raw" >"$DIR/$TAG.out"
    if ! diff -u "$HERE/session.expected" "$DIR/$TAG.out"; then
        say_fail "$core: gdb's session differs from session.expected (raw: $DIR/$TAG.raw)"
    fi
    grep -q 'exited with code 041' "$DIR/$TAG.raw" ||
        say_fail "$core: gdb did not see the guest exit with status 33 (041)"
    [ "$status" -eq 33 ] || say_fail "$core: lab86 exit status $status, expected 33"
    [ "$(cat "$DIR/$TAG.stdout")" = "target: done" ] ||
        say_fail "$core: the guest's output is not 'target: done'"
done

# The hello boot sector in real mode, from its first instruction at 0x7C00.
for core in switch threaded; do
    TAG=realmode-$core
    cp "$HELLO" "$DIR/$TAG.img" # the guest may write its disk
    start_lab86 --hda "$DIR/$TAG.img" --firmware legacy --core "$core" --gdb 0 -S \
        --max-cycles 2000000000
    if [ -z "$PORT" ]; then
        say_fail "$TAG: no 'listening' line from lab86"
        kill "$LAB86_PID"
        wait
        continue
    fi
    sed "s/@PORT@/$PORT/" "$HERE/realmode.gdb" >"$DIR/$TAG.gdb"
    gdb -batch -nx -x "$DIR/$TAG.gdb" >"$DIR/$TAG.raw" 2>&1
    wait "$LAB86_PID"
    status=$?
    wait
    filter_gdb <"$DIR/$TAG.raw" >"$DIR/$TAG.out"
    diff -u "$HERE/realmode.expected" "$DIR/$TAG.out" ||
        say_fail "$TAG: gdb's session differs from realmode.expected"
    [ "$status" -eq 33 ] || say_fail "$TAG: lab86 exit status $status, expected 33"
done

# Host errors: status 2 and exactly one line "lab86: <what>: <why>".
host_error() {
    want=$1
    shift
    "$LAB86" run "$@" >/dev/null 2>"$DIR/host-error.err"
    status=$?
    lines=$(wc -l <"$DIR/host-error.err")
    if [ "$status" -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -q "^lab86: $want" "$DIR/host-error.err"; then
        say_fail "run $*: status $status, $lines lines: $(cat "$DIR/host-error.err")"
    fi
}
host_error "-S: " --kernel "$DIR/target.elf" -S
host_error "--gdb 65536: " --kernel "$DIR/target.elf" --gdb 65536
host_error "--gdb 300.1.2.3:1: " --kernel "$DIR/target.elf" --gdb 300.1.2.3:1
host_error "--gdb: " --kernel "$DIR/target.elf" --gdb 0 --lockstep
# A port that is taken: the second lab86 cannot listen on the first one's.
TAG=busy
start_lab86 --kernel "$DIR/target.elf" --gdb 0 -S --max-cycles 1000
if [ -n "$PORT" ]; then
    host_error "--gdb $PORT: " --kernel "$DIR/target.elf" --gdb "$PORT"
else
    say_fail "busy: no 'listening' line"
fi
kill "$LAB86_PID"
wait

for core in switch threaded; do
    "$PYTHON" "$HERE/client.py" "$LAB86" "$DIR" "$core" >"$DIR/client-$core.out" 2>&1 ||
        { grep -v '^ok ' "$DIR/client-$core.out"; say_fail "$core: client.py"; }
done

if [ "$fail" -ne 0 ]; then
    echo "gdb: FAILED"
    exit 1
fi
echo "gdb: all tests passed (gdb session and protocol client, both cores)"

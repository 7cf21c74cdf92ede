#!/bin/sh
# host.sh LAB86 WORKDIR GUESTDIR -- the host-facing options of `lab86 run`: --snapshot, --rtc,
# --realtime, the serial ports' pty and Unix-socket ends, --keys-from-stdin, raw mode on a
# terminal with its Ctrl-A x escape, two runs of one image being the same run, and the man
# page rendering cleanly.
#
# GUESTDIR holds the guest tests' images (tests/guest/guest.mk): ata.elf and its disk
# ata.img (the guest writes LBA 20 and reads it back), pic_pit.elf. The tiny kernels
# (tests/cli/*.asm) are assembled here into WORKDIR.
#
# Nothing here waits a fixed time: every wait polls for its condition a bounded number of
# times (the peers' output, a file, a socket, a terminal mode), and no result depends on
# how fast the host is. The terminal tests need tmux and are skipped (and counted) without
# it; the pty and socket tests need python3.
#
# The last line is always "host: N passed, N failed, N skipped".

if [ $# -ne 3 ]; then
    echo "usage: $0 LAB86 WORKDIR GUESTDIR" >&2
    exit 2
fi
lab86=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$2
guests=$3
here=$(dirname "$0")
nasm=${NASM:-nasm}
passed=0
failed=0
skipped=0
mkdir -p "$work" || exit 2
work=$(cd "$work" && pwd)
out=$work/stdout
err=$work/stderr
. "$here/lib.sh"

skip() {
    skipped=$((skipped + 1))
    echo "skip $1: $2"
}

# poll N COMMAND...: run COMMAND up to N times, 0.1 s apart, until it succeeds.
poll() {
    tries=$1
    shift
    while [ "$tries" -gt 0 ]; do
        "$@" && return 0
        tries=$((tries - 1))
        sleep 0.1
    done
    return 1
}

for k in ok spin echo rtc keys; do
    "$nasm" -f bin -w+all -I "$here/" -o "$work/$k.bin" "$here/$k.asm" || exit 2
done

# --- --snapshot: the guest reads its writes back, the image file does not change ---

for core in switch threaded; do
    cp "$guests/ata.img" "$work/ata.img" && cp "$guests/ata.img" "$work/ata.orig" || exit 2
    "$lab86" run --kernel "$guests/ata.elf" --hda "$work/ata.img" --snapshot --core $core \
        --max-cycles 200000000 --report-cycles </dev/null >"$out" 2>"$err"
    status=$?
    if [ $status -ne 33 ] || ! grep -q '^DONE: [0-9]* passed, 0 failed' "$out"; then
        bad "snapshot_$core" "status $status; the ata guest did not pass"
    elif ! cmp -s "$work/ata.img" "$work/ata.orig"; then
        bad "snapshot_$core" "the image changed under --snapshot"
    else
        grep '^cycles:' "$err" >"$work/snap_cycles.$core"
        ok "snapshot_$core"
    fi
done
if cmp -s "$work/snap_cycles.switch" "$work/snap_cycles.threaded"; then
    ok snapshot_cores_same_cycles
else
    bad snapshot_cores_same_cycles "the cores differ: $(cat "$work"/snap_cycles.*)"
fi
# A read-only image is fine with --snapshot; without it, the guest's writes reach the file.
chmod a-w "$work/ata.img"
"$lab86" run --kernel "$guests/ata.elf" --hda "$work/ata.img" --snapshot \
    --max-cycles 200000000 </dev/null >"$out" 2>"$err"
status=$?
if [ $status -eq 33 ] && grep -q '^DONE: [0-9]* passed, 0 failed' "$out"; then
    ok snapshot_read_only_image
else
    bad snapshot_read_only_image "status $status"
fi
chmod u+w "$work/ata.img"
"$lab86" run --kernel "$guests/ata.elf" --hda "$work/ata.img" --max-cycles 200000000 \
    </dev/null >"$out" 2>"$err"
status=$?
if [ $status -ne 33 ] || cmp -s "$work/ata.img" "$work/ata.orig"; then
    bad no_snapshot_writes_image "status $status; the image should have changed"
else
    ok no_snapshot_writes_image
fi

# --- --rtc: the date the RTC starts from, as the guest reads it from ports 0x70/0x71 ---

# rtc NAME EXPECTED ARGS...: the rtc kernel prints EXPECTED (CCYY-MM-DD HH:MM:SS weekday).
rtc() {
    name=$1
    want=$2
    shift 2
    "$lab86" run --kernel "$work/rtc.bin" "$@" </dev/null >"$out" 2>"$err"
    status=$?
    if [ $status -eq 33 ] && [ "$(cat "$out")" = "$want" ] && [ ! -s "$err" ]; then
        ok "$name"
    else
        bad "$name" "status $status, expected '$want'"
    fi
}
rtc rtc_default "2000-01-01 00:00:00 07"
rtc rtc_leap_day "2024-02-29 13:45:07 05" --rtc 2024-02-29T13:45:07
rtc rtc_last "2099-12-31 23:59:59 05" --rtc=2099-12-31T23:59:59
rtc rtc_first "1980-01-01 00:00:00 03" --rtc 1980-01-01T00:00:00 --core switch
# now: whatever the date, it is a well-formed one (the test cannot know the second)
"$lab86" run --kernel "$work/rtc.bin" --rtc now </dev/null >"$out" 2>"$err"
if [ $? -eq 33 ] && grep -Eq '^20[0-9]{2}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] 0[1-7]$' "$out"; then
    ok rtc_now
else
    bad rtc_now "not a date"
fi
for d in 2023-02-29T00:00:00 1979-12-31T23:59:59 2100-01-01T00:00:00 2024-1-01T00:00:00 \
    2024-01-01T24:00:00 2024-01-01T00:00:00Z "+024-01-01T00:00:00" yesterday ""; do
    "$lab86" run --kernel "$work/rtc.bin" --rtc "$d" </dev/null >"$out" 2>"$err"
    status=$?
    if [ $status -eq 2 ] && [ "$(wc -l <"$err")" -eq 1 ] && [ ! -s "$out" ] &&
        grep -qF -- "lab86: --rtc $d: not a date" "$err"; then
        ok "rtc_bad '$d'"
    else
        bad "rtc_bad '$d'" "status $status, expected 2 and one line"
    fi
done

# --- --realtime: the same run, only paced (never a timed assertion) ---

for k in ok spin; do
    "$lab86" run --kernel "$work/$k.bin" --max-cycles 3000000 --report-cycles </dev/null \
        >"$work/plain.out" 2>"$work/plain.err"
    s1=$?
    "$lab86" run --kernel "$work/$k.bin" --max-cycles 3000000 --report-cycles --realtime \
        </dev/null >"$work/rt.out" 2>"$work/rt.err"
    s2=$?
    if [ $s1 -eq $s2 ] && cmp -s "$work/plain.out" "$work/rt.out" &&
        cmp -s "$work/plain.err" "$work/rt.err"; then
        ok "realtime_same_run_$k"
    else
        bad "realtime_same_run_$k" "status $s1 vs $s2, or the output or cycles differ"
    fi
done

# --- two runs of one image: byte-identical output, the same cycle count ---

for core in switch threaded; do
    for n in 1 2; do
        "$lab86" run --kernel "$guests/pic_pit.elf" --core $core --max-cycles 200000000 \
            --report-cycles </dev/null >"$work/det.$core.$n" 2>&1
        echo "status $?" >>"$work/det.$core.$n"
    done
    if grep -q '^cycles: ' "$work/det.$core.1" && cmp -s "$work/det.$core.1" "$work/det.$core.2"
    then
        ok "deterministic_twice_$core"
    else
        bad "deterministic_twice_$core" "$(diff "$work/det.$core.1" "$work/det.$core.2" | head -5)"
    fi
done

# --- --keys-from-stdin: bytes from a file typed on the PS/2 keyboard ---

printf 'ab\n' >"$work/keys.txt"
"$lab86" run --kernel "$work/keys.bin" --keys-from-stdin --max-cycles 100000000 \
    <"$work/keys.txt" >"$out" 2>"$err"
status=$?
if [ $status -eq 33 ] && [ "$(cat "$out")" = "1E 9E 30 B0 1C 9C" ]; then
    ok keys_from_stdin
else
    bad keys_from_stdin "status $status, expected the scan codes of a, b, Enter"
fi

# --- the serial ports' host ends: a pty and a Unix socket (python3 is the peer) ---

# echo_client MODE TARGET TEXT: connect to TARGET (pty: a terminal's path; unix: a socket,
# retried until it listens), send TEXT, print what comes back once all of TEXT has (or the
# peer went quiet for 30 s), then send the newline that ends the echo guest. The newline's
# own echo is not waited for: lab86 exits right after it, and a pty's last bytes can be lost
# when its master side closes before the slave has read them.
echo_client() {
    python3 - "$@" <<'PY'
import os, select, socket, sys, time, tty
mode, target, text = sys.argv[1:4]
if mode == "pty":
    fd = os.open(target, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    send = lambda b: os.write(fd, b)
    recv = lambda: os.read(fd, 256)
else:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(200):                      # bounded: lab86 creates the socket first
        try:
            s.connect(target)
            break
        except OSError:
            time.sleep(0.1)
    fd = s.fileno()
    send = s.sendall
    recv = lambda: s.recv(256)
send(text.encode())
got = b""
while len(got) < len(text):
    r, _, _ = select.select([fd], [], [], 30)
    if not r:
        break
    chunk = recv()
    if not chunk:
        break
    got += chunk
sys.stdout.write(got.decode(errors="replace"))
send(b"\n")
PY
}

pty_named() {
    grep -q 'COM1 on /dev/' "$err"
}

if command -v python3 >/dev/null 2>&1; then
    "$lab86" run --kernel "$work/echo.bin" --serial pty </dev/null >"$out" 2>"$err" &
    pid=$!
    if poll 300 pty_named; then
        pts=$(sed -n 's/.*COM1 on \(\/dev\/[^ ]*\).*/\1/p' "$err")
        reply=$(echo_client pty "$pts" "over a pty")
        wait $pid
        status=$?
        if [ $status -eq 33 ] && [ "$reply" = "over a pty" ]; then
            ok serial_pty
        else
            bad serial_pty "status $status, reply '$reply'"
        fi
    else
        kill $pid 2>/dev/null
        wait $pid
        bad serial_pty "lab86 did not name its pty"
    fi
    sock=$work/com1.sock
    rm -f "$sock"
    "$lab86" run --kernel "$work/echo.bin" --serial "unix:$sock" </dev/null >"$out" 2>"$err" &
    pid=$!
    reply=$(echo_client unix "$sock" "over a socket")
    if [ "$reply" != "over a socket" ]; then
        kill $pid 2>/dev/null
    fi
    wait $pid
    status=$?
    if [ $status -eq 33 ] && [ "$reply" = "over a socket" ]; then
        ok serial_unix
    else
        bad serial_unix "status $status, reply '$reply'"
    fi
else
    skip serial_pty "python3 is not installed"
    skip serial_unix "python3 is not installed"
fi

# --- a terminal: raw mode, keys to COM1, Ctrl-A x to quit (inside tmux) ---

sock_name=lab86-host-$$
tmux_() {
    tmux -L "$sock_name" "$@"
}

# The pane's terminal is in raw mode (lab86 has started reading keys).
pane_raw() {
    tty=$(tmux_ display-message -p -t host '#{pane_tty}' 2>/dev/null) &&
        stty -F "$tty" -a 2>/dev/null | grep -q -- '-icanon'
}

rc_written() {
    [ -s "$work/tty.rc" ]
}

# in_tmux NAME KERNEL KEYS...: run KERNEL in a terminal, wait for raw mode, type KEYS (tmux
# send-keys words); lab86's stdout goes to tty.out and its status to tty.rc.
in_tmux() {
    name=$1
    kernel=$2
    shift 2
    rm -f "$work/tty.rc" "$work/tty.out"
    tmux_ new-session -d -s host -x 80 -y 24 \
        "'$lab86' run --kernel '$kernel' >'$work/tty.out' 2>'$work/tty.err'; echo \$? >'$work/tty.rc'"
    if ! poll 300 pane_raw; then
        tmux_ kill-server 2>/dev/null
        return 1
    fi
    tmux_ send-keys -t host "$@"
    poll 300 rc_written
    status=$?
    tmux_ kill-server 2>/dev/null
    return $status
}

if command -v tmux >/dev/null 2>&1; then
    # Ctrl-C is the guest's key on a raw terminal: the echo guest sends its byte back.
    if in_tmux tty_echo "$work/echo.bin" "typed" C-c C-j &&
        [ "$(cat "$work/tty.rc")" = 33 ] && [ "$(cat "$work/tty.out")" = "$(printf 'typed\003')" ]
    then
        ok tty_raw_keys_to_com1
    else
        bad tty_raw_keys_to_com1 "status $(cat "$work/tty.rc" 2>/dev/null), output '$(cat "$work/tty.out" 2>/dev/null)'"
    fi
    # Ctrl-A x quits (status 130): typed as plain characters, it would never end the run.
    if in_tmux tty_escape "$work/spin.bin" C-a x && [ "$(cat "$work/tty.rc")" = 130 ] &&
        grep -q 'interrupted' "$work/tty.err"; then
        ok tty_escape_ctrl_a_x
    else
        bad tty_escape_ctrl_a_x "status $(cat "$work/tty.rc" 2>/dev/null)"
    fi
else
    skip tty_raw_keys_to_com1 "tmux is not installed"
    skip tty_escape_ctrl_a_x "tmux is not installed"
fi

# --- the man page: groff renders it without a warning ---

man=$here/../../doc/lab86.1
if [ ! -f "$man" ]; then
    bad man_page "doc/lab86.1 is missing"
elif ! command -v groff >/dev/null 2>&1; then
    skip man_page "groff is not installed"
elif groff -man -Tutf8 -ww -z "$man" >"$out" 2>"$err" && [ ! -s "$err" ]; then
    ok man_page
else
    bad man_page "groff warns"
fi

# Every option `lab86 run --help` lists has an entry in the man page (as roff writes it,
# with \- for each hyphen).
missing=
for flag in $("$lab86" run --help | sed -n 's/^  \(-[-a-zA-Z0-9]*\).*/\1/p'); do
    roff=$(printf '%s' "$flag" | sed 's/-/\\-/g')
    grep -qF -- "$roff" "$man" 2>/dev/null || missing="$missing $flag"
done
if [ -z "$missing" ]; then
    ok man_page_every_run_option
else
    bad man_page_every_run_option "doc/lab86.1 does not describe:$missing"
fi

echo "host: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/bin/sh
# run.sh LAB86 BUILDDIR -- drive `lab86 debug`'s TUI inside tmux and read the screen.
#
# A detached tmux server on a private socket (-L lab86-test-PID) runs `lab86 debug` on the
# paging guest (tests/guest/paging.asm, a multiboot kernel that turns paging on) in a
# terminal of a given size; send-keys types, capture-pane -p reads the screen. Each check
# polls the screen until the expected text appears, at most TRIES times, and on failure
# prints the screen. Nothing waits a fixed time.
#
# The expected values come from elsewhere, never from the TUI itself: addresses from the
# guest's symbol table (nm) and instruction lengths from objdump, the exit status from
# `lab86 run` of the same kernel.
#
# The session, once at 80x24 and once at 200x60:
#   1. the machine stopped at _start: the Registers pane shows EIP = _start, and the
#      Disassembly pane marks that line with '>';
#   2. F7, then the typed command `si`: EIP moves to the second and third instructions;
#   3. `break 0xADDR` at paging_on, F5: the breakpoint stops the run there, its line
#      shows the breakpoint mark and EIP's ('*>'); F9 deletes it and sets it again;
#   4. `finish`: paging is on; Tab five times focuses the Page tables pane, which shows
#      the translation of EIP through directory entry 0 and the entry in the directory
#      list; Enter opens it and its page table's entry 0 appears, P RW US decoded;
#   5. `?` opens the help pane, Esc closes it;
#   6. continue to the guest's end, the Console pane shows its output, quit: lab86's exit
#      status is the one `lab86 run` gives.
# At 200x60 the seven panes that fit are checked to be on the screen at once. A third,
# shorter session types into the Console pane for tests/cli/echo.asm, which echoes COM1.
#
# Skipped (and counted as skipped) only when tmux is not installed.

if [ $# -ne 2 ]; then
    echo "usage: $0 LAB86 BUILDDIR" >&2
    exit 2
fi
lab86=$1
kernel=$2/guests/paging.elf
TRIES=200   # polls of the screen per check, 0.05 s apart: at most 10 s

if ! command -v tmux >/dev/null 2>&1; then
    echo "tui: 0 passed, 0 failed, 3 skipped (tmux is not installed)"
    exit 0
fi
for tool in nm objdump; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "tui-check: $tool is needed (binutils)" >&2
        exit 2
    fi
done

# One tmux server a session (lab86-test-PID-WIDTH): a new server on the socket of one just
# killed may find it still going away.
sock=lab86-test-$$
tmp=$(mktemp -d) || exit 2
# The servers' sockets go in the temporary directory, removed at the end.
TMUX_TMPDIR=$tmp
export TMUX_TMPDIR
unset TMUX
# Every server this script started, whatever stopped it (a failure, Ctrl-C, a closed pipe).
cleanup() {
    for s in "$tmp"/tmux-*/*; do
        [ -S "$s" ] && tmux -S "$s" kill-server 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# --- what the screen must show, from independent sources ---

sym() { # sym NAME: the symbol's address as 8 hex digits
    nm "$kernel" | awk -v n="$1" '$3 == n { print $1 }'
}
# next_insn ADDR: the address of the instruction after the one at ADDR (objdump decodes).
next_insn() {
    objdump -d --start-address=0x$1 "$kernel" |
        awk -F: '/^ *[0-9a-f]+:/ { gsub(/ /, "", $1); n++; if (n == 2) { print $1; exit } }'
}
pad8() { printf '%08x' "0x$1"; }

start=$(sym _start)
pon=$(sym paging_on)
i2=$(pad8 "$(next_insn "$start")")
i3=$(pad8 "$(next_insn "$i2")")
"$lab86" run --kernel "$kernel" >"$tmp/run.out" 2>&1
run_status=$?
if [ -z "$start" ] || [ -z "$pon" ] || [ -z "$i3" ]; then
    echo "tui-check: cannot read the symbols of $kernel" >&2
    exit 2
fi

# --- driving tmux ---

screen() { tmux -L "$sock" capture-pane -p -t tui; }
keys() { tmux -L "$sock" send-keys -t tui "$@"; }

failed_case=
fail() {
    echo "FAIL: $case: $1"
    echo "---- the screen ($size) ----"
    screen
    echo "----"
    failed_case=1
}

# expect TEXT [WHAT]: poll until the screen contains TEXT (a fixed string).
expect() {
    n=0
    while [ $n -lt $TRIES ]; do
        if screen | grep -F -q -- "$1"; then
            return 0
        fi
        n=$((n + 1))
        sleep 0.05
    done
    fail "${2:-expected \"$1\" on the screen}"
    return 1
}

# expect_gone TEXT: poll until the screen no longer contains TEXT.
expect_gone() {
    n=0
    while [ $n -lt $TRIES ]; do
        if ! screen | grep -F -q -- "$1"; then
            return 0
        fi
        n=$((n + 1))
        sleep 0.05
    done
    fail "\"$1\" should have gone from the screen"
    return 1
}

# session W H: one run of the whole story in a W x H terminal.
session() {
    size="$1x$2"
    sock=lab86-test-$$-$1
    failed_case=
    case="start"
    tmux -L "$sock" -f /dev/null new-session -d -s tui -x "$1" -y "$2" \
        "env HOME='$tmp' TERM=xterm-256color '$lab86' debug --kernel '$kernel';
         echo \"lab86 exited with status \$?\"; read x" || { fail "tmux did not start"; return; }
    expect "[Registers]" || return
    expect "[Disassembly]" || return
    expect "eip $start" "the Registers pane should show eip $start (_start)" || return
    expect ">$start" "the Disassembly pane should mark _start ($start) as the next instruction" ||
        return

    case="F7 and si"
    keys F7
    expect "eip $i2" "after F7, eip should be $i2 (objdump's second instruction)" || return
    keys "si" Enter
    expect "eip $i3" "after si, eip should be $i3 (objdump's third instruction)" || return

    case="breakpoint"
    keys "break 0x$pon" Enter
    expect "Breakpoint 1 at 0x$pon" || return
    keys F5
    expect "Breakpoint 1, 0x$pon" "F5 should stop at the breakpoint at paging_on" || return
    expect "eip $pon" || return
    expect "*>$pon" "the line of paging_on should carry the breakpoint and EIP marks" || return
    keys F9
    expect "delete 1" "F9 on the breakpoint's line should delete it" || return
    expect_gone "*>$pon" || return
    keys F9
    expect "Breakpoint 2 at 0x$pon" "F9 again should set a breakpoint there" || return
    expect "*>$pon" || return

    case="page tables"
    keys "finish" Enter
    expect "protected+paging" "after paging_on returns, the mode should be protected+paging" ||
        return
    keys Tab Tab Tab Tab Tab
    expect "[Page tables]" || return
    expect "PDE[000] @" "the translation of EIP should go through directory entry 0" || return
    expect "000 00000000-003fffff" "the directory list should show entry 0 (0-4 MiB)" || return
    keys Enter
    expect "000 00000000 -> 00000000 P RW US" "Enter should open entry 0's page table" ||
        return

    case="help"
    keys Escape "?"
    expect "[Help]" || return
    keys Escape
    expect_gone "[Help]" || return

    if [ "$1" -ge 160 ]; then
        case="the large layout"
        for pane in "[Registers]" "[Stack]" "[Disassembly]" "[Memory]" "[Page tables]" \
                    "[Console]" "[Descriptors]"; do
            expect "$pane" "at $size the pane $pane should be on the screen" || return
        done
    fi

    case="run to the end"
    keys "delete" Enter "continue" Enter
    expect "status $run_status" "the guest should end with lab86 run's status $run_status" ||
        return
    keys Tab Tab Tab Tab Tab Tab Tab Tab Tab
    expect "[Console]" || return
    expect "PASS:" "the Console pane should show the guest's output" || return
    keys Escape "quit" Enter
    expect "lab86 exited with status $run_status" || return
    tmux -L "$sock" kill-server 2>/dev/null
}

# console: keys typed in the Console pane reach the guest. tests/cli/echo.asm echoes what
# COM1 receives and exits after a newline (Ctrl-J; Enter sends a carriage return).
console() {
    size="80x24"
    sock=lab86-test-$$-console
    failed_case=
    case="console"
    if ! ${NASM:-nasm} -f bin -I tests/cli/ -o "$tmp/echo.bin" tests/cli/echo.asm; then
        fail "nasm could not build tests/cli/echo.asm"
        return
    fi
    tmux -L "$sock" -f /dev/null new-session -d -s tui -x 80 -y 24 \
        "env HOME='$tmp' TERM=xterm-256color '$lab86' debug --kernel '$tmp/echo.bin';
         echo \"lab86 exited with status \$?\"; read x" || { fail "tmux did not start"; return; }
    expect "[Registers]" || return
    keys Tab Tab Tab Tab Tab Tab Tab Tab Tab
    expect "keys go to COM1" "the focused Console pane should send keys to COM1" || return
    keys "lab86-echo" C-j F5
    expect "lab86-echo" "the guest should have echoed what was typed" || return
    expect "status 33" "the newline should end the echo guest (status 33)" || return
    keys Escape "quit" Enter
    expect "lab86 exited with status 33" || return
}

passed=0
failed=0
for geometry in "80 24" "200 60" console; do
    if [ "$geometry" = console ]; then
        console
    else
        session $geometry
    fi
    tmux -L "$sock" kill-server 2>/dev/null
    if [ -n "$failed_case" ]; then
        failed=$((failed + 1))
    else
        echo "PASS: tui $( [ "$geometry" = console ] && echo "console input" || echo "session") at $size"
        passed=$((passed + 1))
    fi
done
echo "tui: $passed passed, $failed failed, 0 skipped"
[ $failed -eq 0 ]

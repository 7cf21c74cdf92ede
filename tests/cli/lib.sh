# lib.sh -- what the shell-driven command-line tests share (sourced, not run):
#
#   ok NAME                 count a pass and print it
#   bad NAME WHY            count a failure and print it, with the captured stdout and
#                           stderr ($out, $err)
#   expect_error NAME FRAGMENT ARGS...
#                           run "$lab86" ARGS with no input: it must end with status 2,
#                           print nothing on stdout and exactly one line on stderr that
#                           starts with "lab86: " and contains FRAGMENT
#
# The sourcing script sets lab86, out and err, and passed=0 failed=0.

ok() {
    passed=$((passed + 1))
    echo "ok   $1"
}

bad() {
    failed=$((failed + 1))
    echo "FAIL $1: $2"
    [ -f "$out" ] && sed 's/^/    stdout: /' "$out"
    [ -f "$err" ] && sed 's/^/    stderr: /' "$err"
}

expect_error() {
    name=$1
    fragment=$2
    shift 2
    "$lab86" "$@" </dev/null >"$out" 2>"$err"
    status=$?
    lines=$(wc -l <"$err")
    if [ "$status" -ne 2 ]; then
        bad "$name" "exit status $status, expected 2"
    elif [ "$lines" -ne 1 ]; then
        bad "$name" "$lines lines on stderr, expected 1"
    elif [ -s "$out" ]; then
        bad "$name" "output on stdout"
    elif ! grep -q '^lab86: ' "$err" || ! grep -qF -- "$fragment" "$err"; then
        bad "$name" "stderr does not say: lab86: ...$fragment"
    else
        ok "$name"
    fi
}

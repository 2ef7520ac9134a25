#!/bin/sh
# Runs dialtone's tests: every unit-test binary, then every fuzz target over its seed corpus in
# tests/fuzz/corpus/NAME, then the shell checks. Each binary's own `N passed, N failed` is
# added up; a binary that crashes or prints no summary counts as one failed test. Prints the
# output of anything that failed, and ends with one line `N passed, N failed`.
#
#   tests/run-tests.sh BUILD_DIR TEST... -- FUZZ_TARGET...
dir=$1
shift
tests=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do tests="$tests $1"; shift; done
[ $# -gt 0 ] && shift
fuzzers="$*"

cd "$(dirname "$0")/.." || exit 2
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export DIALTONE_BIN="$dir/dialtone"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0
failed=0

report() { # name status passed failed
    if [ "$2" -eq 0 ] && [ "$4" -eq 0 ]; then
        printf '  %-28s %4d ok\n' "$1" "$3"
    else
        printf '  %-28s %4d ok, %d FAILED (exit %d)\n' "$1" "$3" "$4" "$2"
        sed 's/^/    | /' "$log"
    fi
    passed=$((passed + $3))
    failed=$((failed + $4))
}

for t in $tests; do
    "$dir/tests/$t" >"$log" 2>&1
    rc=$?
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        p=${line%% passed*}
        f=${line#*passed, }
        f=${f%% failed*}
        [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
    else
        p=0
        f=1
    fi
    report "$t" "$rc" "$p" "$f"
done

for z in $fuzzers; do
    corpus="tests/fuzz/corpus/${z#fuzz_}"
    "$dir/fuzz/$z" "$corpus" >"$log" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ]; then report "$z (corpus)" 0 1 0; else report "$z (corpus)" "$rc" 0 1; fi
done

for s in tests/*.test.sh; do
    [ -e "$s" ] || continue
    sh "$s" "$dir" >"$log" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ]; then report "$(basename "$s" .test.sh)" 0 1 0
    else report "$(basename "$s" .test.sh)" "$rc" 0 1; fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# The dialtone binary's top level: help lists the subcommands from the table, --version,
# unknown subcommands and options exit 2 with usage on stderr.
bin="$1/dialtone"
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$bin" --version >"$out" 2>"$err" || fail "--version exited $?"
grep -Eq '^dialtone [0-9]+\.[0-9]+\.[0-9]+$' "$out" || fail "--version printed: $(cat "$out")"
"$bin" version >"$out" 2>"$err" || fail "version exited $?"
grep -Eq '^dialtone [0-9]+\.[0-9]+\.[0-9]+$' "$out" || fail "version printed: $(cat "$out")"

"$bin" help >"$out" 2>"$err" || fail "help exited $?"
for c in help version errors sign; do
    grep -Eq "^  $c( |$)" "$out" || fail "help does not list $c"
done
# Every listed command has a summary.
grep -E '^  [a-z]' "$out" | awk '{ if (NF < 2) exit 1 }' || fail "a command has no summary"

"$bin" no-such-command >"$out" 2>"$err"
[ $? -eq 2 ] || fail "unknown command did not exit 2"
grep -q "unknown command 'no-such-command'" "$err" || fail "no message for unknown command"
grep -q '^usage: dialtone' "$err" || fail "no usage for unknown command"
[ -s "$out" ] && fail "unknown command wrote to stdout"

"$bin" --bogus-option >"$out" 2>"$err"
[ $? -eq 2 ] || fail "unknown option did not exit 2"
"$bin" help extra >"$out" 2>"$err"
[ $? -eq 2 ] || fail "help with an argument did not exit 2"
"$bin" version extra >"$out" 2>"$err"
[ $? -eq 2 ] || fail "version with an argument did not exit 2"
echo ok

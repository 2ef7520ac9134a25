#!/bin/sh
# `dialtone errors`: a known code prints Twilio's message with dialtone's classification and
# the docs link, --sip explains SIP responses (Twilio's entry or a made-up one), --search lists
# matches one per line, --json is valid JSON, unknown codes exit 1, bad usage exits 2.
bin="$1/dialtone"
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
has() { grep -Eq "$1" "$out" || fail "missing /$1/ in: $(cat "$out")"; }

"$bin" errors 21211 >"$out" 2>"$err" || fail "errors 21211 exited $?"
has '^code: +21211$'
has '^level: +ERROR$'
has "^message: +Invalid 'To' Phone Number$"
has '^category: +bad-number \(bad number\)$'
has '^action: +[A-Z].*\.$'
has '^retryable: +no$'
has '^bad number: +yes$'
has '^docs: +https://www\.twilio\.com/docs/errors/21211$'
[ -s "$err" ] && fail "errors 21211 wrote to stderr: $(cat "$err")"

"$bin" errors 20429 >"$out" 2>&1 || fail "errors 20429 exited $?"
has '^category: +rate-limit '
has '^retryable: +yes$'
"$bin" errors 31486 >"$out" 2>&1 || fail "errors 31486 exited $?"
has '^product: +Programmable Voice$'
has '^category: +busy '

"$bin" errors --sip 486 >"$out" 2>&1 || fail "--sip 486 exited $?"
has '^sip: +486 Busy Here$'
has '^code: +31486$'
has '^category: +busy '
"$bin" errors --sip 603 >"$out" 2>&1 || fail "--sip 603 exited $?"
has '^category: +declined '
"$bin" errors --sip 488 >"$out" 2>&1 || fail "--sip 488 exited $?"
has '^sip: +488 Not Acceptable Here$'
has '^code: +- '
has '^category: +media '
grep -q '^docs:' "$out" && fail "a made-up SIP entry has a docs link"
"$bin" errors --sip 999 >"$out" 2>"$err"
[ $? -eq 1 ] || fail "--sip 999 did not exit 1"

"$bin" errors --search 'geo permission' >"$out" 2>"$err" || fail "--search exited $?"
has '^21215 +blocked +Geo Permission'
has '^13227 +blocked '
grep -q '^21211 ' "$out" && fail "--search geo listed 21211"
"$bin" errors --search 2121 >"$out" 2>"$err" || fail "--search 2121 exited $?"
[ "$(wc -l <"$out")" -eq 10 ] || fail "--search 2121 listed $(wc -l <"$out") lines"
grep -Ev '^2121[0-9] ' "$out" && fail "--search 2121 listed another code"
"$bin" errors --search zzqqxx-nothing >"$out" 2>"$err"
[ $? -eq 1 ] || fail "a search without matches did not exit 1"
grep -q 'nothing matches' "$err" || fail "no message for an empty search"

if command -v python3 >/dev/null 2>&1; then
    "$bin" errors --json 21211 >"$out" 2>&1 || fail "--json exited $?"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert d["code"] == 21211 and d["category"] == "bad-number" and d["bad_number"] is True
assert d["retryable"] is False and d["url"].endswith("/21211")' "$out" ||
        fail "--json 21211 printed: $(cat "$out")"
    "$bin" errors --json --sip 480 >"$out" 2>&1 || fail "--json --sip exited $?"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert d["sip"] == 480 and d["code"] == 31480 and d["category"] == "no-answer"' "$out" ||
        fail "--json --sip 480 printed: $(cat "$out")"
    "$bin" errors --json --search 2121 >"$out" 2>&1 || fail "--json --search exited $?"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert len(d) == 10 and all(str(x["code"]).startswith("2121") for x in d)' "$out" ||
        fail "--json --search printed: $(cat "$out")"
fi

"$bin" errors 99999 >"$out" 2>"$err"
[ $? -eq 1 ] || fail "an unknown code did not exit 1"
grep -q "99999 is not in Twilio's error dictionary" "$err" || fail "unknown code: $(cat "$err")"
[ -s "$out" ] && fail "an unknown code wrote to stdout"

for args in "" "abc" "-5" "21211 21212" "--sip" "--sip x" "--search" "--search geo 21211" \
    "--sip 486 --search busy" "--bogus"; do
    # shellcheck disable=SC2086 # word splitting is the point
    "$bin" errors $args >"$out" 2>"$err"
    rc=$?
    [ $rc -eq 2 ] || fail "'errors $args' exited $rc, not 2"
    grep -q '^usage: dialtone errors' "$err" || fail "'errors $args' printed no usage"
done
# A code that is not a whole number of at most nine digits is bad usage, and says why.
for code in abc +5 " 5" 12a 1234567890 ""; do
    "$bin" errors "$code" >"$out" 2>"$err"
    rc=$?
    [ $rc -eq 2 ] || fail "'errors \"$code\"' exited $rc, not 2"
    grep -qF "dialtone errors: '$code' is not an error code (digits only)" "$err" ||
        fail "'errors \"$code\"' said: $(cat "$err")"
    "$bin" errors --sip "$code" >"$out" 2>"$err"
    rc=$?
    [ $rc -eq 2 ] || fail "'errors --sip \"$code\"' exited $rc, not 2"
    grep -qF "dialtone errors: '$code' is not a SIP response code (digits only)" "$err" ||
        fail "'errors --sip \"$code\"' said: $(cat "$err")"
done
# Nine digits are a number: not in the dictionary, not a SIP code.
"$bin" errors 000021211 >"$out" 2>"$err" || fail "errors 000021211 exited $?"
has '^code: +21211$'
"$bin" errors 999999999 >"$out" 2>"$err"
[ $? -eq 1 ] || fail "errors 999999999 did not exit 1"
grep -q "999999999 is not in Twilio's error dictionary" "$err" || fail "999999999: $(cat "$err")"
"$bin" errors --sip 999999999 >"$out" 2>"$err"
[ $? -eq 1 ] || fail "--sip 999999999 did not exit 1"

"$bin" errors --help >"$out" 2>"$err" || fail "--help exited $?"
has '^usage: dialtone errors'
echo ok

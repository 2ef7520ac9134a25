#!/bin/sh
# `dialtone sign`: Twilio's published vector end to end (auth token 12345), the default-port
# variant, a JSON body, usage errors (exit 2), a missing token (exit 1), and that the token
# never appears in anything the command prints.
bin="$1/dialtone"
out=$(mktemp)
err=$(mktemp)
body=$(mktemp)
all=$(mktemp)
trap 'rm -f "$out" "$err" "$body" "$all"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
keep() { cat "$out" "$err" >>"$all"; }

url='https://mycompany.com/myapp.php?foo=1&bar=2'
url443='https://mycompany.com:443/myapp.php?foo=1&bar=2'
set -- CallSid=CA1234567890ABCDE Caller=+14158675309 Digits=1234 From=+14158675309 \
    To=+18005551212

TWILIO_AUTH_TOKEN=12345 "$bin" sign --url "$url" "$@" >"$out" 2>"$err" || fail "sign exited $?"
[ "$(cat "$out")" = "RSOYDt4T1cUTdK1PDd93/VVr8B8=" ] || fail "vector 1 printed: $(cat "$out")"
[ -s "$err" ] && fail "sign wrote to stderr: $(cat "$err")"

TWILIO_AUTH_TOKEN=12345 "$bin" sign "$@" --url "$url443" >"$out" 2>"$err" ||
    fail "sign with port exited $?"
[ "$(cat "$out")" = "kvajT1Ptam85bY51eRf/AJRuM3w=" ] || fail "port vector printed: $(cat "$out")"

# Another variable, a token that must not leak, and a repeated key.
secret='s3cr3t-T0ken-7f2e9a'
export DT_TEST_TOKEN="$secret"
"$bin" sign -u "$url" -t DT_TEST_TOKEN Digits=2 Digits=1 >"$out" 2>"$err" || fail "-t exited $?"
keep
grep -Eq '^[A-Za-z0-9+/]{27}=$' "$out" || fail "-t printed: $(cat "$out")"
first=$(cat "$out")
"$bin" sign -u "$url" -t DT_TEST_TOKEN Digits=1 Digits=2 >"$out" 2>"$err" || fail "order exited $?"
keep
[ "$(cat "$out")" = "$first" ] || fail "repeated keys are not sorted by value"

# JSON body: the URL gains bodySHA256 of the body (sha256("abc") is a known vector).
printf abc >"$body"
"$bin" sign -t DT_TEST_TOKEN --url https://h.example/hook --body "$body" >"$out" 2>"$err" ||
    fail "--body exited $?"
keep
sed -n 1p "$out" | grep -qx \
    'https://h.example/hook?bodySHA256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' ||
    fail "--body printed: $(cat "$out")"
sed -n 2p "$out" | grep -Eq '^[A-Za-z0-9+/]{27}=$' || fail "--body printed no signature"
[ "$(wc -l <"$out")" -eq 2 ] || fail "--body printed more than two lines"
printf abc | "$bin" sign -t DT_TEST_TOKEN --url https://h.example/hook --body - >"$all.2" 2>&1 ||
    fail "--body - exited $?"
cmp -s "$out" "$all.2" || fail "--body - differs from --body FILE"
cat "$all.2" >>"$all"
rm -f "$all.2"

# Usage errors exit 2 with usage on stderr and nothing on stdout.
usage() { # description, then the arguments
    what=$1
    shift
    "$bin" sign "$@" >"$out" 2>"$err"
    rc=$?
    keep
    [ "$rc" -eq 2 ] || fail "$what: exit $rc, not 2"
    grep -q '^usage: dialtone sign' "$err" || fail "$what: no usage"
    [ -s "$out" ] && fail "$what: wrote to stdout"
    return 0
}
usage "no --url" -t DT_TEST_TOKEN CallSid=CA1
usage "unknown option" --url "$url" -t DT_TEST_TOKEN --bogus
usage "argument without =" --url "$url" -t DT_TEST_TOKEN CallSid=CA1 Digits
usage "option without value" -t DT_TEST_TOKEN --url
usage "--body with KEY=VALUE" --url "$url" -t DT_TEST_TOKEN --body "$body" a=b
grep -q "'Digits' is not KEY=VALUE" "$all" || fail "no message for an argument without ="

# A missing or empty token is a clear error, exit 1.
env -u TWILIO_AUTH_TOKEN "$bin" sign --url "$url" CallSid=CA1 >"$out" 2>"$err"
rc=$?
[ "$rc" -eq 1 ] || fail "no token: exit $rc, not 1"
grep -q 'TWILIO_AUTH_TOKEN is not set' "$err" || fail "no token: message was $(cat "$err")"
DT_EMPTY= "$bin" sign --url "$url" -t DT_EMPTY CallSid=CA1 >"$out" 2>"$err"
[ $? -eq 1 ] || fail "empty token did not exit 1"
[ -s "$out" ] && fail "empty token wrote to stdout"

# A URL no validator could parse is an error, not a signature that can never match.
"$bin" sign --url mycompany.com/x -t DT_TEST_TOKEN a=b >"$out" 2>"$err"
[ $? -eq 1 ] || fail "bad URL did not exit 1"
keep
"$bin" sign --url "$url" -t DT_TEST_TOKEN --body /nonexistent/body.json >"$out" 2>"$err"
[ $? -eq 1 ] || fail "missing body file did not exit 1"
keep

grep -q "$secret" "$all" && fail "the token appeared in the output"
"$bin" sign --help >"$out" 2>"$err" || fail "--help exited $?"
grep -q 'TWILIO_AUTH_TOKEN' "$out" || fail "--help does not name the default variable"
echo ok

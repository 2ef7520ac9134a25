#!/bin/sh
# `dialtone sim` on the command line: usage errors (exit 2), a bad scenario file (exit 1, the
# message naming the file and the line), a missing auth token or account (exit 1), the
# warning for --auth-token, --port 0 printing where it listens, a clean stop on SIGTERM and
# SIGINT (exit 0), and that the auth token never appears in what it prints.
bin="$1/dialtone"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; [ -f "$dir/err" ] && sed 's/^/  | /' "$dir/err"; exit 1; }
acct=AC0123456789abcdef0123456789abcdef
secret='sim-cli-T0ken-9c4d1e'
export SIM_CLI_TOKEN="$secret"
scen=data/scenarios/test-basic.ini

usage() { # args...: must exit 2 with a usage line
    "$bin" sim "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "sim $* exited $rc, not 2"
    grep -q '^usage: dialtone sim' "$dir/err" || fail "sim $*: no usage line"
}
usage
usage --scenario "$scen"
usage --port 0
usage --port x --scenario "$scen"
usage --port 70000 --scenario "$scen"
usage --port 0 --scenario "$scen" --speed 0
usage --port 0 --scenario "$scen" --speed fast
usage --port 0 --scenario "$scen" --seed -1
usage --port 0 --scenario "$scen" --account ACnope
usage --port 0 --scenario "$scen" --log-level loud
usage --port 0 --scenario "$scen" --bogus
usage --port 0 --scenario "$scen" extra
"$bin" sim --help >"$dir/out" 2>&1 || fail "--help exited $?"
grep -q -- '--auth-token-env' "$dir/out" || fail "--help does not list --auth-token-env"

# A bad scenario: exit 1, FILE:LINE in the message.
printf '[scenario]\nseed = 3\nspeeed = 2\n' >"$dir/bad.ini"
"$bin" sim --port 0 --scenario "$dir/bad.ini" --account $acct --auth-token-env SIM_CLI_TOKEN \
    >"$dir/out" 2>"$dir/err"
rc=$?
[ "$rc" -eq 1 ] || fail "bad scenario exited $rc"
grep -q "$dir/bad.ini:3:" "$dir/err" || fail "bad scenario: no FILE:LINE"
"$bin" sim --port 0 --scenario "$dir/missing.ini" --account $acct \
    --auth-token-env SIM_CLI_TOKEN >"$dir/out" 2>"$dir/err"
[ $? -eq 1 ] || fail "missing scenario did not exit 1"
grep -q "missing.ini" "$dir/err" || fail "missing scenario: not named"

# No token, no account.
env -u TWILIO_AUTH_TOKEN "$bin" sim --port 0 --scenario "$scen" --account $acct \
    >"$dir/out" 2>"$dir/err"
[ $? -eq 1 ] || fail "no token did not exit 1"
grep -q "no auth token" "$dir/err" || fail "no token: no message"
"$bin" sim --port 0 --scenario "$scen" --auth-token-env SIM_CLI_TOKEN >"$dir/out" 2>"$dir/err"
[ $? -eq 1 ] || fail "no account did not exit 1"
grep -q "no account" "$dir/err" || fail "no account: no message"

# Runs: prints where it listens, stops cleanly on a signal, never prints the token.
run() { # signal, extra args...
    sig=$1
    shift
    # emptied here: the background job's own redirection may come after the loop's first look
    : >"$dir/out"
    "$bin" sim --port 0 --scenario "$scen" --account $acct --log-level debug "$@" \
        >"$dir/out" 2>"$dir/err" &
    pid=$!
    i=0
    while ! grep -q 'listening on' "$dir/out" && [ $i -lt 300 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    grep -Eq "^dialtone sim: listening on http://127\.0\.0\.1:[0-9]+ \(account $acct\)$" \
        "$dir/out" || { kill -9 $pid; fail "no listening line: $(cat "$dir/out")"; }
    grep -q 'listening on http://127.0.0.1:0 ' "$dir/out" && fail "port 0 was printed"
    kill -"$sig" $pid
    wait $pid
    rc=$?
    [ "$rc" -eq 0 ] || fail "SIG$sig: exited $rc"
    grep -q "$secret" "$dir/out" "$dir/err" && fail "the token was printed"
    return 0
}
run TERM --auth-token-env SIM_CLI_TOKEN
run INT --auth-token-env SIM_CLI_TOKEN --speed 5 --seed 9
run TERM --auth-token "$secret"
grep -q 'warning: --auth-token' "$dir/err" || fail "--auth-token gave no warning"
exit 0

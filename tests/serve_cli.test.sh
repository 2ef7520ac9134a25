#!/bin/sh
# `dialtone serve` on the command line: usage errors (exit 2), configurations it refuses
# (exit 1 with a message: a config file holding a secret that others can read, no
# credentials, no public URL, no queue, a missing file), --config with port 0 printing the
# port it picked, /healthz answering, a clean stop on SIGTERM and SIGINT (exit 0) even while
# Twilio cannot be reached, and the auth token never appearing in what it prints.
bin="$1/dialtone"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; [ -f "$dir/err" ] && sed 's/^/  | /' "$dir/err"; exit 1; }
secret='serve-cli-T0ken-77ab'
unset TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN TWILIO_API_KEY TWILIO_API_SECRET DIALTONE_PUBLIC_URL \
    DIALTONE_TWILIO_API_URL DIALTONE_DB DIALTONE_PORT DIALTONE_LOG_LEVEL

usage() { # args...: must exit 2 with a usage line
    "$bin" serve "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "serve $* exited $rc, not 2"
    grep -q '^usage: dialtone serve' "$dir/err" || fail "serve $*: no usage line"
}
usage --bogus
usage --config
usage extra
"$bin" serve --help >"$dir/out" 2>&1 || fail "--help exited $?"
grep -q -- '--config FILE' "$dir/out" || fail "--help does not list --config"

# A closed port for Twilio's API: the daemon must run (and stop) without it.
conf() { # extra lines
    cat >"$dir/d.conf" <<CONF
[twilio]
account_sid = AC0123456789abcdef0123456789abcdef
auth_token = $secret
public_base_url = https://dialtone.example.com
api_base_url = http://127.0.0.1:9
[server]
port = 0
database = $dir/d.db
$1
CONF
    chmod 600 "$dir/d.conf"
}

refused() { # message: serve --config d.conf must exit 1 saying it
    "$bin" serve --config "$dir/d.conf" >"$dir/out" 2>"$dir/err"
    rc=$?
    [ "$rc" -eq 1 ] || fail "exited $rc, not 1 (expected: $1)"
    grep -q "$1" "$dir/err" || fail "no '$1' in the message"
    grep -q "$secret" "$dir/out" "$dir/err" && fail "the token was printed"
    return 0
}
conf '[queue "support"]'
chmod 644 "$dir/d.conf"
refused "chmod 600"
conf ''
refused "no queue"
conf '[queue "support"]'
sed -i '/auth_token/d' "$dir/d.conf"
refused "auth_token"
conf '[queue "support"]'
sed -i '/public_base_url/d' "$dir/d.conf"
refused "public_base_url"
printf '[twilio]\napi_key_sid = SK0123456789abcdef0123456789abcdef\napi_key_secret = s\n' \
    >"$dir/k.conf"
printf 'account_sid = AC0123456789abcdef0123456789abcdef\n' >>"$dir/k.conf"
printf 'public_base_url = https://x.example.com\n[queue "q"]\n' >>"$dir/k.conf"
chmod 600 "$dir/k.conf"
"$bin" serve --config "$dir/k.conf" >"$dir/out" 2>"$dir/err"
[ $? -eq 1 ] || fail "an API key without the auth token was accepted"
grep -q "no auth token" "$dir/err" || fail "no auth token: no message"
"$bin" serve --config "$dir/missing.conf" >"$dir/out" 2>"$dir/err"
[ $? -eq 1 ] || fail "a missing file did not exit 1"
grep -q "missing.conf" "$dir/err" || fail "a missing file is not named"

# Runs: prints the port it picked, answers /healthz, stops cleanly, never prints the token.
run() { # signal
    conf '[queue "support"]'
    # emptied here: the background job's own redirection may come after the loop's first look
    : >"$dir/out"
    "$bin" serve --config "$dir/d.conf" >"$dir/out" 2>"$dir/err" &
    pid=$!
    i=0
    while ! grep -q 'listening on' "$dir/out" && [ $i -lt 300 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    grep -Eq '^dialtone serve: listening on http://127\.0\.0\.1:[0-9]+$' "$dir/out" ||
        { kill -9 $pid; fail "no listening line: $(cat "$dir/out")"; }
    grep -q 'listening on http://127.0.0.1:0$' "$dir/out" && fail "port 0 was printed"
    port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)$/\1/p' "$dir/out")
    if command -v curl >/dev/null 2>&1; then
        curl -s "http://127.0.0.1:$port/healthz" | grep -q '"db":"ok"' ||
            { kill -9 $pid; fail "/healthz did not answer ok"; }
    fi
    sleep 0.3 # the queue sync is failing against the closed port meanwhile
    kill -"$1" $pid
    wait $pid
    rc=$?
    [ "$rc" -eq 0 ] || fail "SIG$1: exited $rc"
    grep -q "$secret" "$dir/out" "$dir/err" && fail "the token was printed"
    return 0
}
run TERM
run INT
[ -f "$dir/d.db" ] || fail "no database was created"
exit 0

#!/bin/sh
# `dialtone login`: usage errors (exit 2: missing --server or --token, a bad URL or token,
# unknown options), an unreachable daemon and a wrong token (exit 1 with a message, no file
# written, the token never printed), then against a real daemon: a good token writes the
# console's config file mode 0600 under XDG_CONFIG_HOME keeping its other settings, a file
# others could read is replaced by a 0600 one, and --token - reads the token from stdin.
bin="$1/dialtone"
dir=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$dir/err" ] && sed 's/^/  | /' "$dir/err"; exit 1; }
export HOME="$dir/home" XDG_CONFIG_HOME="$dir/xdg"
mkdir -p "$HOME"
unset DIALTONE_SERVER DIALTONE_TOKEN DIALTONE_THEME DIALTONE_COUNTRY DIALTONE_DB DIALTONE_PORT \
    TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN TWILIO_API_KEY TWILIO_API_SECRET DIALTONE_PUBLIC_URL \
    DIALTONE_TWILIO_API_URL DIALTONE_LOG_LEVEL
conffile="$XDG_CONFIG_HOME/dialtone/console.conf"
secret='dt_login-test-S3cret'

usage() { # args...: must exit 2 with a usage line
    "$bin" login "$@" >"$dir/out" 2>"$dir/err" </dev/null
    rc=$?
    [ "$rc" -eq 2 ] || fail "login $* exited $rc, not 2"
    grep -q '^usage: dialtone login' "$dir/err" || fail "login $*: no usage line"
    grep -q "$secret" "$dir/out" "$dir/err" && fail "login $*: the token was printed"
    [ -e "$conffile" ] && fail "login $*: wrote a file"
    return 0
}
usage
usage --server http://127.0.0.1:1
usage --token "$secret"
usage --server http://127.0.0.1:1 --token "$secret" extra
usage --server http://127.0.0.1:1 --token "$secret" --bogus
usage --server
usage --server ftp://127.0.0.1:1 --token "$secret"
grep -q 'http:// or https://' "$dir/err" || fail "a bad URL is not explained"
usage --server 'not a url' --token "$secret"
usage --server http://127.0.0.1:1 --token 'two words'
grep -q 'printable ASCII' "$dir/err" || fail "a bad token is not explained"
"$bin" login --help >"$dir/out" 2>&1 || fail "--help exited $?"
grep -q -- '--server URL' "$dir/out" || fail "--help does not describe --server"
"$bin" help | grep -q '^  login ' || fail "login is not in dialtone help"

# Nothing listens on port 1 (and 9 is discard at most): cannot reach, exit 1.
"$bin" login --server http://127.0.0.1:1 --token "$secret" >"$dir/out" 2>"$dir/err"
rc=$?
[ "$rc" -eq 1 ] || fail "unreachable: exited $rc, not 1"
grep -q 'cannot reach the daemon at http://127.0.0.1:1' "$dir/err" || fail "unreachable: no message"
grep -q "$secret" "$dir/out" "$dir/err" && fail "unreachable: the token was printed"
[ -e "$conffile" ] && fail "unreachable: wrote a file"

# A daemon on a free port, Twilio's API on a closed one, and an agent.
cat >"$dir/d.conf" <<CONF
[twilio]
account_sid = AC0123456789abcdef0123456789abcdef
auth_token = login-test-twilio-token
public_base_url = https://dialtone.example.com
api_base_url = http://127.0.0.1:9
[server]
port = 0
database = $dir/d.db
[queue "support"]
CONF
chmod 600 "$dir/d.conf"
"$bin" agent add alice --role agent --endpoint client:alice --queues support \
    --config "$dir/d.conf" >"$dir/out" 2>"$dir/err" || fail "agent add failed"
tok=$(sed -n 's/^token: //p' "$dir/out")
[ -n "$tok" ] || fail "no token from agent add"
"$bin" serve --config "$dir/d.conf" >"$dir/sout" 2>"$dir/serr" &
pid=$!
i=0
while ! grep -q 'listening on' "$dir/sout" && [ $i -lt 600 ]; do
    sleep 0.1
    i=$((i + 1))
done
port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\)$/\1/p' "$dir/sout")
[ -n "$port" ] || fail "the daemon did not start: $(cat "$dir/sout" "$dir/serr")"
url="http://127.0.0.1:$port"

# A wrong token: 401 explained, exit 1, nothing written.
"$bin" login --server "$url" --token "$secret" >"$dir/out" 2>"$dir/err"
rc=$?
[ "$rc" -eq 1 ] || fail "wrong token: exited $rc, not 1"
grep -q 'refused the token (HTTP 401)' "$dir/err" || fail "wrong token: no message"
grep -q "$secret" "$dir/out" "$dir/err" && fail "wrong token: the token was printed"
[ -e "$conffile" ] && fail "wrong token: wrote a file"

# Not a daemon's API: a 404 path under the server URL.
"$bin" login --server "$url/nothing" --token "$tok" >"$dir/out" 2>"$dir/err"
[ $? -eq 1 ] || fail "a wrong path was accepted"
[ -e "$conffile" ] && fail "a wrong path: wrote a file"

# The good token: the file is written 0600, in a 0700 directory, and keeps other settings.
mkdir -p "$XDG_CONFIG_HOME/dialtone"
printf 'theme = light\ncountry = GB\n[keys]\nhold = H\n' >"$conffile"
chmod 644 "$conffile"
"$bin" login --server "$url/" --token "$tok" >"$dir/out" 2>"$dir/err" || fail "login exited $?"
grep -q '^logged in as alice (agent) at http://127.0.0.1:' "$dir/out" || fail "no greeting: $(cat "$dir/out")"
grep -q "$tok" "$dir/out" "$dir/err" && fail "the token was printed"
[ "$(stat -c %a "$conffile")" = 600 ] || fail "mode $(stat -c %a "$conffile"), not 600"
grep -qx "token = $tok" "$conffile" || fail "no token in the file"
grep -qx "server = $url" "$conffile" || fail "no server in the file"
grep -qx 'theme = light' "$conffile" || fail "the theme was lost"
grep -qx 'hold = H' "$conffile" || fail "the key override was lost"
ls "$XDG_CONFIG_HOME/dialtone" | grep -v '^console.conf$' && fail "a temporary file was left"

# --token - reads it from standard input, into a fresh file under --config.
echo "$tok" | "$bin" login --server "$url" --token - --config "$dir/new/c.conf" \
    >"$dir/out" 2>"$dir/err" || fail "--token - exited $?"
[ "$(stat -c %a "$dir/new/c.conf")" = 600 ] || fail "--config: not mode 600"
[ "$(stat -c %a "$dir/new")" = 700 ] || fail "--config: directory not mode 700"
grep -qx "token = $tok" "$dir/new/c.conf" || fail "--token -: no token in the file"
exit 0

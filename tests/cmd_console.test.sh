#!/bin/sh
# `dialtone console` without a terminal: usage errors (exit 2), --help, the missing server
# or token explained, a config file that does not exist or is readable by others refused,
# no terminal refused (exit 1) once the configuration is good; and `dialtone` alone, not on
# a terminal, printing the help instead of opening the console.
bin="$1/dialtone"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; [ -f "$dir/err" ] && sed 's/^/  | /' "$dir/err"; exit 1; }
unset DIALTONE_SERVER DIALTONE_TOKEN DIALTONE_THEME DIALTONE_COUNTRY
export XDG_CONFIG_HOME="$dir/xdg" HOME="$dir/home"

console() { "$bin" console "$@" </dev/null >"$dir/out" 2>"$dir/err"; }

usage() { # args...: must exit 2 with a usage line
    console "$@"
    rc=$?
    [ "$rc" -eq 2 ] || fail "console $* exited $rc, not 2"
    grep -q '^usage: dialtone console' "$dir/err" || fail "console $*: no usage line"
}
usage --bogus
usage extra
usage --server
usage --token

console --help || fail "--help exited $?"
grep -q -- '--server URL' "$dir/out" || fail "--help does not describe --server"

expect() { # status pattern args...: exit status and a message on stderr
    st=$1 pat=$2
    shift 2
    console "$@"
    rc=$?
    [ "$rc" -eq "$st" ] || fail "console $* exited $rc, not $st"
    grep -q "$pat" "$dir/err" || fail "console $*: stderr lacks '$pat'"
}
expect 1 'no daemon to talk to' --token dt_x
expect 1 'no token' --server http://127.0.0.1:9
expect 1 'needs a terminal' --server http://127.0.0.1:9 --token dt_x
DIALTONE_SERVER=http://127.0.0.1:9 DIALTONE_TOKEN=dt_x expect 1 'needs a terminal'
expect 1 'nope.conf' --config "$dir/nope.conf"

mkdir -p "$dir/xdg/dialtone"
printf 'server = http://127.0.0.1:9\ntoken = dt_secret\n' >"$dir/xdg/dialtone/console.conf"
chmod 644 "$dir/xdg/dialtone/console.conf"
console
[ $? -eq 1 ] || fail "a token file readable by others was accepted"
grep -q 'needs a terminal' "$dir/err" && fail "a token file readable by others was accepted"
chmod 600 "$dir/xdg/dialtone/console.conf"
expect 1 'needs a terminal'
printf 'server = ftp://x\n' >"$dir/bad.conf"
expect 1 'bad.conf:1' --config "$dir/bad.conf"

# No arguments and no terminal: the help, not the console.
"$bin" </dev/null >"$dir/out" 2>"$dir/err" || fail "dialtone alone exited $?"
grep -q '^usage: dialtone' "$dir/out" || fail "dialtone alone printed no help"
grep -q 'console' "$dir/out" || fail "the help does not list the console"

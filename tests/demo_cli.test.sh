#!/bin/sh
# `dialtone demo`: usage errors (exit 2); --no-console starting the emulator and the daemon,
# printing their addresses, an agent's and a supervisor's tokens and the failing numbers of
# the scenario; the agent's token working on the daemon (and the agent available); the
# emulator's numbers pointing at the daemon (a caller placed through the control API waits
# in the daemon's queue); SIGTERM and SIGINT stopping every process it started; --keep
# keeping the directory (used again: the same database, new tokens) and a temporary one
# removed; no terminal for the console refused before anything starts; the daemon dying
# making the demo say so, stop the emulator and exit 1; a scenario that does not load
# refused.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/console_lib.sh"
cl_init demo "$1"
export TMPDIR="$dir/tmp"
mkdir -p "$TMPDIR"

usage() { # args...: must exit 2 with a usage line
    "$bin" demo "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    [ "$rc" -eq 2 ] || cl_fail "demo $* exited $rc, not 2"
    grep -q '^usage: dialtone demo' "$dir/err" || cl_fail "demo $*: no usage line"
}
usage --bogus
usage --speed
usage --speed 0
usage --speed fast
usage --agent 'a b'
usage extra
"$bin" demo --help >"$dir/out" 2>&1 || cl_fail "--help exited $?"
grep -q -- '--keep DIR' "$dir/out" || cl_fail "--help does not describe --keep"

"$bin" demo </dev/null >"$dir/out" 2>"$dir/err"
[ $? -eq 1 ] || cl_fail "without a terminal the demo did not exit 1"
grep -q "needs a terminal" "$dir/err" || cl_fail "without a terminal: no message"
"$bin" demo --no-console --scenario "$dir/missing.ini" >"$dir/out" 2>"$dir/err"
[ $? -eq 1 ] || cl_fail "a missing scenario did not exit 1"
grep -q "missing.ini" "$dir/err" || cl_fail "the missing scenario is not named"
printf '[scenario]\nspeed = fast\n' >"$dir/bad.ini"
"$bin" demo --no-console --scenario "$dir/bad.ini" >"$dir/out" 2>"$dir/err"
[ $? -eq 1 ] || cl_fail "a bad scenario did not exit 1"
grep -q "bad.ini:2" "$dir/err" || cl_fail "the bad scenario's line is not named: $(cat "$dir/err")"
[ -z "$(ls -A "$TMPDIR")" ] || cl_fail "a refused start left $(ls "$TMPDIR")"

# start_demo ARGS...: runs the demo in the background until it prints the failing numbers.
start_demo() {
    : >"$dir/out"
    "$bin" demo --no-console "$@" >"$dir/out" 2>"$dir/err" </dev/null &
    demo=$!
    CL_PIDS="$CL_PIDS $demo"
    cl_wait_file "$dir/out" '\+14155550160 +busy' "$CL_WAIT" ||
        cl_fail "the demo did not start: $(cat "$dir/out" "$dir/err")"
    daemon_url=$(sed -n 's/^  the daemon  *\(http[^ ]*\).*/\1/p' "$dir/out")
    sim_url=$(sed -n 's/^  the emulator  *\(http[^ ]*\).*/\1/p' "$dir/out")
    agent_tok=$(sed -n 's/^  agent .*token \(dt_[^ ]*\)$/\1/p' "$dir/out")
    super_tok=$(sed -n 's/^  supervisor .*token \(dt_[^ ]*\)$/\1/p' "$dir/out")
    work=$(sed -n 's/^  files  *\([^ ]*\).*/\1/p' "$dir/out")
    [ -n "$daemon_url" ] && [ -n "$sim_url" ] && [ -n "$agent_tok" ] && [ -n "$super_tok" ] ||
        cl_fail "the demo did not print its addresses and tokens: $(cat "$dir/out")"
    [ -d "$work" ] || cl_fail "no working directory '$work'"
    kids=$(cl_children "$demo")
    CL_PIDS="$CL_PIDS $kids"
}

# running: how many of the demo's children (the emulator, the daemon) still run.
running() {
    local n=0 p
    for p in $kids; do
        kill -0 "$p" 2>/dev/null && n=$((n + 1))
    done
    echo "$n"
}

start_demo --keep "$dir/kept" --speed 2 --agent alex
[ "$work" = "$dir/kept" ] || cl_fail "--keep DIR was not used: '$work'"
[ "$(stat -c %a "$work/dialtone.conf")" = 600 ] || cl_fail "the config is not private"
me=$(cl_http GET "$daemon_url/api/v1/me" "" "$agent_tok")
echo "$me" | grep -q '"name":"alex"' || cl_fail "the agent's token does not work: $me"
echo "$me" | grep -q '"state":"available"' || cl_fail "the agent is not available: $me"
echo "$me" | grep -q '"endpoint":"client:alex"' || cl_fail "the agent's endpoint: $me"
cl_http GET "$daemon_url/api/v1/me" "" "$super_tok" | grep -q '"role":"supervisor"' ||
    cl_fail "the supervisor's token does not work"
grep -q '+14155550165 .*31005' "$dir/out" || cl_fail "the failing numbers are not explained"
# The supervisor's console, started with the command the summary prints, as a person would.
super_cmd=$(sed -n 's/^    \(DIALTONE_SERVER=.* console\)$/\1/p' "$dir/out")
case $super_cmd in
"DIALTONE_SERVER=$daemon_url DIALTONE_TOKEN=$super_tok "*) ;;
*) cl_fail "no command for the supervisor's console: $(cat "$dir/out")" ;;
esac
if cl_has_tmux; then
    cl_tmux new-session -d -s console -x 100 -y 30 "TERM=xterm-256color $super_cmd" ||
        cl_fail "tmux could not start the supervisor's console"
    cl_wait_screen " live "
    cl_wait_screen "F7Board"
    cl_keys F7
    cl_wait_screen "alex"
    cl_keys q
    cl_tmux kill-session -t console 2>/dev/null
fi
[ "$(running)" -ge 2 ] || cl_fail "the emulator and the daemon are not running"
# A caller placed on the emulator reaches the daemon's queue.
cl_http POST "$sim_url/sim/calls" '{"from": "+14155550123", "caller_name": "Demo Caller"}' \
    >/dev/null || cl_fail "the emulator's control API did not answer"
cl_wait_http "$daemon_url/api/v1/calls/pending" '"caller_name":"Demo Caller"' "$CL_WAIT" "$agent_tok"
kill -TERM "$demo"
cl_reap "$demo" 150 || cl_fail "the demo did not stop on SIGTERM"
wait "$demo"
rc=$?
[ "$rc" -eq 0 ] || cl_fail "SIGTERM: the demo exited $rc"
[ "$(running)" -eq 0 ] || cl_fail "processes were left running: $kids"
[ -f "$work/dialtone.db" ] && [ -f "$work/serve.log" ] || cl_fail "--keep did not keep the files"
# The kept directory again: the same database, its agents given new tokens.
old_tok=$agent_tok
start_demo --keep "$dir/kept" --agent alex
[ "$agent_tok" != "$old_tok" ] || cl_fail "the agent kept its old token"
cl_http GET "$daemon_url/api/v1/me" "" "$agent_tok" | grep -q '"name":"alex"' ||
    cl_fail "the new token does not work"
cl_http GET "$daemon_url/api/v1/calls" "" "$agent_tok" | grep -q '"caller_name":"Demo Caller"' ||
    cl_fail "the kept database lost its calls"
kill -TERM "$demo"
cl_reap "$demo" 150 || cl_fail "the demo did not stop on SIGTERM (kept directory)"
wait "$demo"

# Without --keep: a temporary directory, removed on SIGINT.
start_demo
case $work in "$TMPDIR"/dialtone-demo.*) ;; *) cl_fail "not a temporary directory: $work" ;; esac
kill -INT "$demo"
cl_reap "$demo" 150 || cl_fail "the demo did not stop on SIGINT"
wait "$demo"
[ "$(running)" -eq 0 ] || cl_fail "processes were left running after SIGINT"
[ ! -e "$work" ] || cl_fail "the temporary directory was left: $work"

# The daemon dying: the demo says so, stops the emulator and exits 1.
start_demo
serve=
for p in $kids; do
    grep -q "serve" /proc/"$p"/cmdline 2>/dev/null && serve=$p
done
[ -n "$serve" ] || cl_fail "no daemon process found"
kill -KILL $serve
cl_reap "$demo" 150 || cl_fail "the demo went on without its daemon"
wait "$demo"
rc=$?
[ "$rc" -eq 1 ] || cl_fail "the daemon's death: the demo exited $rc, not 1"
grep -q "the daemon stopped unexpectedly" "$dir/err" || cl_fail "no message: $(cat "$dir/err")"
[ "$(running)" -eq 0 ] || cl_fail "the emulator was left running"
[ ! -e "$work" ] || cl_fail "the temporary directory was left after a failure"
echo ok

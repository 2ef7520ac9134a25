#!/bin/sh
# The console's other keys in tmux, against the daemon and the emulator: the state menu (F5)
# makes the agent available, then on a break with the reason typed on the command line; the
# command line (`:state available`); the help (`?`) listing the live keys; `:theme` with an
# unknown name saying so; `:dial` calling a number that answers, the emulator showing it in
# one conference with the agent, the customer hanging up, and the wrap-up's second
# disposition saved; an inbound call accepted and transferred (`t`) back to its queue.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/console_lib.sh"
cl_init console-keys "$1"
cl_has_tmux || { echo "skipped: no tmux (make deps installs it)"; exit 0; }

cl_start_sim data/scenarios/test-basic.ini
cl_write_conf '[queue "sales"]'
cl_start_daemon
"$bin" agent add cy --role agent --endpoint client:cy --queues support,sales --config "$conf" \
    >"$dir/agent.out" 2>"$dir/agent.err" || cl_fail "agent add: $(cat "$dir/agent.err")"
tok=$(sed -n 's/^token: //p' "$dir/agent.out")
me() { cl_http GET "$base/api/v1/me" "" "$tok"; }
wait_me() { cl_wait_http "$base/api/v1/me" "$1" "$CL_WAIT" "$tok"; }
wait_event() { # TYPE LIKE: until the daemon stored such an event
    local i=0
    until [ -n "$(cl_sql "SELECT seq FROM events WHERE type = '$1' AND data LIKE '$2'")" ]; do
        [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "no $1 event like $2"
        sleep 0.1
        i=$((i + 1))
    done
}

cl_console "$tok"
cl_wait_screen " live "
cl_wait_screen "offline"

# ---- F5: the state menu; a break takes its reason on the command line ----
cl_keys F5
cl_wait_screen "Your state"
cl_keys Up Up Up Enter
wait_me '"state":"available"'
cl_wait_gone "Your state"
cl_keys F5
cl_wait_screen "Your state"
cl_keys Up Up Up Down Enter
cl_keys -l "lunch"
cl_keys Enter
wait_me '"state":"break","reason":"lunch"'
cl_wait_screen "break (lunch)"
cl_keys -l ":state available"
cl_keys Enter
wait_me '"state":"available"'

# ---- ? help from the live keymap; :theme with a name that does not exist ----
cl_keys "?"
cl_wait_screen "Everywhere:"
cl_screen | grep -q "F5 .*set my state" || cl_fail "the help does not list F5"
cl_keys Escape
cl_wait_gone "Everywhere:"
cl_keys -l ":theme no-such-theme"
cl_keys Enter
cl_wait_screen "Theme no-such-theme"

# ---- :dial a number that answers; it hangs up; the second disposition is saved ----
cl_keys -l ":dial +14155550200"
cl_keys Enter
cl_wait_screen "Outbound call"
cl_wait_screen "Connected"
i=0
until [ -n "$(cl_http GET "$sim/sim/calls" | cl_json "SELECT 1 FROM json_each(@J, '\$.calls') a,
        json_each(@J, '\$.calls') b WHERE json_extract(a.value, '\$.to') = '+14155550200'
        AND json_extract(b.value, '\$.to') = 'client:cy' AND json_extract(a.value,
        '\$.conference') = json_extract(b.value, '\$.conference')")" ]; do
    [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "the number and the agent are not in one conference"
    sleep 0.1
    i=$((i + 1))
done
# +14155550200 talks for 5 s, then hangs up: the wrap-up opens.
cl_wait_screen "Wrap-up: call with"
cl_keys Down Enter
wait_event call.wrapup '%"disposition":"follow-up"%'
wait_me '"state":"available"'

# ---- an inbound call accepted, then transferred to its queue ----
cl_http POST "$sim/sim/calls" '{"from": "+14155550123", "caller_name": "Ann Lee"}' >/dev/null
cl_wait_screen "Incoming call"
sleep 0.5 # accept keys are ignored for 400 ms after an offer pops up
cl_keys a
cl_wait_screen "Connected"
cl_keys t
cl_wait_screen "Transfer the caller"
cl_keys -l "sales"
cl_keys Enter
wait_event call.transferred '%sales%'
cl_wait_http "$sim/sim/queues" '"from":"\+14155550123"'
cl_wait_gone "Transfer the caller"

cl_keys -l ":q"
cl_keys Enter
status=$(cl_wait_exit)
[ "$status" = 0 ] || cl_fail "the console exited with status $status"
echo ok

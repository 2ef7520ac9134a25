#!/bin/sh
# The console in tmux against the daemon and the emulator: an outbound call to a busy number
# dialled from the dialpad (F3) shows its failure as a toast, then in the history (F4) with
# its error badge ([31486 busy], and its detail explained); the daemon is killed (SIGKILL) and started again on the same database and
# port: the console shows the banner while it is gone, reconnects, goes live again, and a
# caller who arrived in between is offered (replayed events, nothing lost).
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/console_lib.sh"
cl_init console-reconnect "$1"
cl_has_tmux || { echo "skipped: no tmux (make deps installs it)"; exit 0; }

cl_start_sim data/scenarios/test-basic.ini
cl_write_conf
cl_start_daemon
tok=$(cl_add_agent bo agent)
[ -n "$tok" ] || cl_fail "no token for bo: $(cat "$dir/agent.err")"
cl_http POST "$base/api/v1/me/state" '{"state": "available"}' "$tok" >/dev/null

cl_console "$tok"
cl_wait_screen " live "
cl_wait_screen "available"

# ---- a failed outbound call: its toast, then its badge in the history ----
cl_keys F3
cl_wait_screen "Dial a number"
cl_keys -l "+14155550203"
cl_keys Enter
# The toast names the number and the failure in words.
i=0
until cl_screen | grep -F "Call to +14155550203 failed" | grep -Eqi "busy"; do
    [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "no toast saying the call to +14155550203 was busy"
    sleep 0.1
    i=$((i + 1))
done
cl_wait_http "$base/api/v1/calls?number=%2B14155550203" '"status":"busy"' "$CL_WAIT" "$tok"
# A failed dial may leave the agent in wrap-up: save it, if so, to be available again.
sleep 1
if cl_screen | grep -q "Wrap-up: call with"; then
    cl_keys Enter
    cl_wait_gone "Wrap-up: call with"
fi
cl_keys F4
cl_wait_screen "Outcome"
i=0
until cl_screen | grep -F "+14155550203" | grep -Fq '[31486 busy]'; do
    [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "no history row with the busy badge [31486 busy]"
    sleep 0.1
    i=$((i + 1))
done
# The detail explains it: Twilio's code and message, the category, the SIP code, what to do.
cl_keys /
cl_keys -l "486"
cl_keys Enter
cl_wait_screen "Filter: 486"
cl_keys Enter
cl_wait_screen "Timeline"
screen=$(cl_screen)
for want in "[31486 busy] Busy Here" "SIP 486 Busy Here" "What to do: " "+14155550203"; do
    echo "$screen" | grep -Fq -- "$want" || cl_fail "the busy call's detail lacks '$want'"
done
cl_keys Escape
cl_wait_screen "Filter: 486"
cl_keys F2

# ---- the daemon killed, then back: the banner, live again, nothing lost ----
cl_http POST "$base/api/v1/me/state" '{"state": "available"}' "$tok" >/dev/null
last=$(cl_sql "SELECT max(seq) FROM events")
cl_kill_daemon KILL
cl_wait_screen "Lost the daemon"
cl_wait_gone " live "
cl_start_daemon
# A caller arrives at once, likely before the console's next attempt: its events are stored
# and must reach the console by the replay after its last seq.
cl_http POST "$sim/sim/calls" '{"from": "+14155550124", "caller_name": "Replay Caller"}' \
    >/dev/null
cl_wait_http "$base/api/v1/calls/pending" '"Replay Caller"' "$CL_WAIT" "$tok"
[ "$(cl_sql "SELECT max(seq) FROM events")" -gt "$last" ] || cl_fail "no new event stored"
cl_wait_screen " live " 60
cl_wait_gone "Lost the daemon"
cl_wait_screen "Incoming call"
cl_wait_screen "Replay Caller"

cl_keys q
status=$(cl_wait_exit)
[ "$status" = 0 ] || cl_fail "the console exited with status $status"
echo ok

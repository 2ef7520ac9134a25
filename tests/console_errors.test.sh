#!/bin/sh
# The errors screen in tmux against the daemon and the emulator: an outbound call to the
# emulator's busy number dialled from the dialpad (F3); F8 shows the failures by outcome and
# the code 31486 with its busy badge, a count of 1, its sparkline, Twilio's message and the
# dictionary's action; r switches to the last seven days, where it is counted too.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/console_lib.sh"
cl_init console-errors "$1"
cl_has_tmux || { echo "skipped: no tmux (make deps installs it)"; exit 0; }

cl_start_sim data/scenarios/test-basic.ini
cl_write_conf
cl_start_daemon
tok=$(cl_add_agent eve agent)
[ -n "$tok" ] || cl_fail "no token for eve: $(cat "$dir/agent.err")"
cl_http POST "$base/api/v1/me/state" '{"state": "available"}' "$tok" >/dev/null

cl_console "$tok"
cl_wait_screen " live "
cl_wait_screen "F8Errors"

# ---- nothing failed yet ----
cl_keys F8
cl_wait_screen "No failed calls with an error code."
cl_screen | grep -F "Failures by outcome" | grep -Fq "[busy] 0" ||
    cl_fail "the outcomes do not say 0 busy"

# ---- a busy call ----
cl_keys F3
cl_wait_screen "Dial a number"
cl_keys -l "+14155550203"
cl_keys Enter
cl_wait_http "$base/api/v1/calls?number=%2B14155550203" '"status":"busy"' "$CL_WAIT" "$tok"
sleep 1
if cl_screen | grep -q "Wrap-up: call with"; then
    cl_keys Enter
    cl_wait_gone "Wrap-up: call with"
fi

# ---- F8: the code, its count, its badge, the message and the action ----
cl_keys F8
cl_wait_screen "Errors   today"
# Opening the screen asks again; wait for the answer that holds the call.
i=0
until cl_screen | grep -E '^ *31486 +\[busy\] +1 ' | grep -Fq "Busy Here"; do
    [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "no row for 31486 busy with a count of 1"
    sleep 0.1
    i=$((i + 1))
    # the screen fetches on opening: open it again if the call came after that answer
    [ $((i % 50)) -eq 0 ] && cl_keys C-l
done
screen=$(cl_screen)
echo "$screen" | grep -Fq "What to do: The line was busy; try again later." ||
    cl_fail "the selected code's action is not shown"
echo "$screen" | grep -Fq "A later retry may succeed." || cl_fail "31486 is not said retryable"
echo "$screen" | grep -F "Failures by outcome" | grep -Fq "[busy] 1" ||
    cl_fail "the outcomes do not count the busy call"
echo "$screen" | grep -E '^ *31486 ' | grep -Fq "█" || cl_fail "no sparkline bar for the busy hour"

# ---- r: the last seven days ----
cl_keys r
cl_wait_screen "the last 7 days"
cl_wait_screen "What to do: The line was busy; try again later."
cl_screen | grep -E '^ *31486 +\[busy\] +1 ' >/dev/null || cl_fail "31486 not counted over 7 days"
cl_keys r
cl_wait_screen "Errors   today"
cl_keys q
[ "$(cl_wait_exit)" = 0 ] || cl_fail "the console did not exit cleanly"
echo "ok"

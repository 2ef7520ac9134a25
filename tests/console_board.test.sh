#!/bin/sh
# The supervisors' wallboard driven in tmux: a supervisor's legend offers F7 Board and F7
# opens it; a caller waiting in support is counted in the queue's row; ann's state shows and
# changes as she takes the call (busy, the caller's number and a duration); with ann's call
# connected, `l` makes the supervisor's participant in the emulator's conference muted, `w`
# coaching ann's leg, `b` unmuted, and `L` takes it out; `s` sets ann on a break with a
# reason. An agent's legend has no F7, and F7 only says the board is for supervisors.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/console_lib.sh"
cl_init console-board "$1"
cl_has_tmux || { echo "skipped: no tmux (make deps installs it)"; exit 0; }

cl_start_sim data/scenarios/test-basic.ini
cl_write_conf
cl_start_daemon
ann=$(cl_add_agent ann agent)
[ -n "$ann" ] || cl_fail "no token for ann: $(cat "$dir/agent.err")"
sue=$(cl_add_agent sue supervisor)
[ -n "$sue" ] || cl_fail "no token for sue: $(cat "$dir/agent.err")"
cl_http POST "$base/api/v1/me/state" '{"state": "available"}' "$ann" >/dev/null

# ---- an agent: no F7 in the legend, and F7 opens nothing ----
cl_console "$ann"
cl_wait_screen " live "
cl_wait_screen "F6Call"
cl_screen | grep -q "F7Board" && cl_fail "an agent's legend offers the wallboard"
cl_keys F7
cl_wait_screen "The wallboard is for supervisors"
cl_screen | grep -q "Wallboard" && cl_fail "an agent opened the wallboard"
cl_keys q
cl_wait_exit >/dev/null

# ---- the supervisor opens the board ----
cl_console "$sue"
cl_wait_screen " live "
cl_wait_screen "F7Board"
cl_keys F7
cl_wait_screen "Abandoned"
cl_wait_screen "In state"
row() { # TEXT: the first row of the screen holding TEXT
    cl_screen | grep -F -- "$1" | head -n 1
}
wait_row() { # TEXT PATTERN: until the row holding TEXT matches PATTERN (grep -E)
    local i=0
    until row "$1" | grep -Eq -- "$2"; do
        [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "the row of '$1' never matched '$2'"
        sleep 0.1
        i=$((i + 1))
    done
}
wait_row "ann " "ann +available"
wait_row "support " "support +0 +- +0 +0"

# ---- a caller waits: counted in support's row, the longest wait ticking ----
cl_http POST "$sim/sim/calls" '{"from": "+14155550123", "caller_name": "Ann Lee"}' >/dev/null
wait_row "support " "support +1 +[0-9]+:[0-9][0-9] +0 +0"
i=0
until [ -n "${sid:-}" ]; do
    sid=$(cl_http GET "$base/api/v1/calls/pending" "" "$ann" |
        cl_json "SELECT json_extract(value, '\$.call_sid') FROM json_each(@J, '\$.offers')")
    [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "ann was offered no call"
    sleep 0.1
    i=$((i + 1))
done

# ---- ann takes it: busy with the caller, the call's duration ticking ----
cl_http POST "$base/api/v1/calls/$sid/accept" "" "$ann" >/dev/null
wait_row "ann " "ann +busy .*Ann Lee \+14155550123 +0:[0-9][0-9]"
wait_row "support " "support +0 +- +1 +0"

# The supervisor's participant (the call to client:sue) in the emulator: "muted coaching".
flags() {
    cl_http GET "$sim/sim/conferences" | cl_json "SELECT json_extract(p.value, '\$.muted') ||
        ' ' || json_extract(p.value, '\$.coaching') FROM json_each(@J, '\$.conferences') c,
        json_each(c.value, '\$.participants') p WHERE json_extract(p.value, '\$.to') =
        'client:sue' AND json_extract(p.value, '\$.status') = 'connected'"
}
wait_flags() { # WANT
    local i=0
    until [ "$(flags)" = "$1" ]; do
        [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "sue's participant is '$(flags)', not '$1'"
        sleep 0.1
        i=$((i + 1))
    done
}

# ann is the first agent (by name): the selection starts there.
cl_keys g
cl_keys l
cl_wait_screen "Listening to ann's call"
wait_flags "1 0"
cl_wait_screen "you: listen, ann's call"
cl_keys w
cl_wait_screen "Whispering to the agent of ann's call"
wait_flags "0 1"
cl_keys b
cl_wait_screen "Barged into ann's call"
wait_flags "0 0"
cl_keys L
cl_wait_screen "You left ann's call"
wait_flags ""
cl_wait_gone "you: barge"

# ---- a monitor refused: the daemon's reason in words (sue is in no call now) ----
cl_keys L
cl_wait_screen "not in this call"

# ---- s: ann's state; a busy agent cannot be set (409, in words) ----
cl_keys s
cl_wait_screen "State of ann"
cl_keys Down Enter
cl_wait_screen "Reason:"
cl_keys -l "lunch"
cl_keys Enter
cl_wait_screen "Setting ann to break failed"

# ---- ann hangs up, wraps up; then the break takes ----
cl_http POST "$base/api/v1/calls/$sid/hangup" "" "$ann" >/dev/null
wait_row "ann " "ann +wrap-up"
cl_http POST "$base/api/v1/me/wrapup" '{"disposition": "resolved"}' "$ann" >/dev/null
wait_row "ann " "ann +available"
cl_keys s
cl_wait_screen "State of ann"
cl_keys Down Enter
cl_keys -l "lunch"
cl_keys Enter
cl_wait_screen "ann is now break"
wait_row "ann " "ann +break: lunch"
cl_wait_http "$base/api/v1/agents" '"name":"ann"[^}]*"state":"break"' "$CL_WAIT" "$sue"

cl_keys q
[ "$(cl_wait_exit)" = 0 ] || cl_fail "the console did not exit with 0"
echo "ok"

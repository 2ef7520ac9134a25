#!/bin/sh
# The console driven in tmux as a person would, against the daemon and the emulator: the
# status bar goes live; a call arrives and the popup shows its caller; `a` connects it (the
# emulator shows the caller and the agent's phone in one conference); `h` and `m` put the
# caller on hold and mute them (the emulator's participant flags change); the window is
# resized mid-call and the screen is laid out again (and says when it is too small); `x`
# hangs up; the wrap-up with notes is saved (the daemon's events table); the history shows
# the call; a hostile caller name (a window title, a cleared screen, colours, bidi override,
# controls) is shown harmlessly and `d` declines it; `q` quits with status 0.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/console_lib.sh"
cl_init console-e2e "$1"
cl_has_tmux || { echo "skipped: no tmux (make deps installs it)"; exit 0; }

cl_start_sim data/scenarios/test-basic.ini
cl_write_conf
cl_start_daemon
tok=$(cl_add_agent ann agent)
[ -n "$tok" ] || cl_fail "no token for ann: $(cat "$dir/agent.err")"
cl_http POST "$base/api/v1/me/state" '{"state": "available"}' "$tok" >/dev/null

cl_console "$tok"
cl_wait_screen "ann"
cl_wait_screen " live "
cl_wait_screen "available"

# The sim's live call from a number (its JSON on stdout).
sim_call() { # FROM
    cl_http GET "$sim/sim/calls" | cl_json "SELECT value FROM json_each(@J, '\$.calls')
        WHERE json_extract(value, '\$.from') = '$1' LIMIT 1"
}

# ---- a call arrives; the popup shows the caller; a connects it ----
cl_http POST "$sim/sim/calls" '{"from": "+14155550123", "caller_name": "Ann Lee"}' >/dev/null
cl_wait_screen "Incoming call"
cl_wait_screen "Ann Lee"
cl_wait_screen "+14155550123"
sleep 0.5 # accept keys are ignored for 400 ms after an offer pops up
cl_keys a
cl_wait_screen "Connected"
# The emulator: the caller and the agent's phone (client:ann) in the same conference.
i=0
while :; do
    calls=$(cl_http GET "$sim/sim/calls")
    caller_conf=$(echo "$calls" | cl_json "SELECT json_extract(value, '\$.conference') FROM
        json_each(@J, '\$.calls') WHERE json_extract(value, '\$.from') = '+14155550123'")
    agent_conf=$(echo "$calls" | cl_json "SELECT json_extract(value, '\$.conference') FROM
        json_each(@J, '\$.calls') WHERE json_extract(value, '\$.to') = 'client:ann'
        AND json_extract(value, '\$.status') = 'in-progress'")
    [ -n "$caller_conf" ] && [ "$caller_conf" = "$agent_conf" ] && break
    [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "caller and agent are not in one conference: $calls"
    sleep 0.1
    i=$((i + 1))
done
caller_sid=$(sim_call +14155550123 | cl_json "SELECT json_extract(@J, '\$.sid')")

# The caller's participant flag (hold or muted) in the emulator's conference: 1 or 0.
flag() { # FLAG
    cl_http GET "$sim/sim/conferences" | cl_json "SELECT json_extract(p.value, '\$.$1')
        FROM json_each(@J, '\$.conferences') c, json_each(c.value, '\$.participants') p
        WHERE json_extract(p.value, '\$.call_sid') = '$caller_sid'"
}
wait_flag() { # FLAG VALUE
    local i=0
    until [ "$(flag "$1")" = "$2" ]; do
        [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "the caller's $1 is not $2: $(flag "$1")"
        sleep 0.1
        i=$((i + 1))
    done
}

# ---- hold and mute ----
cl_keys h
wait_flag hold 1
cl_wait_screen "ON HOLD"
cl_keys h
wait_flag hold 0
cl_wait_gone "ON HOLD"
cl_keys m
wait_flag muted 1
cl_wait_screen "MUTED"

# ---- resized mid-call: laid out again at the new size, a clear message when too small ----
cl_tmux resize-window -t console -x 90 -y 30
cl_wait_screen "Connected"
wide=$(cl_screen | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
[ "$wide" -le 90 ] || cl_fail "a line is $wide columns wide in a 90-column window"
[ "$(cl_screen | wc -l)" -le 30 ] || cl_fail "more than 30 rows in a 30-row window"
cl_screen | tail -n 3 | grep -q "F1" || cl_fail "the F-key legend is not on the last rows at 90x30"
cl_tmux resize-window -t console -x 60 -y 20
cl_wait_screen "Terminal too small"
cl_tmux resize-window -t console -x 120 -y 40
cl_wait_screen "Connected"
cl_wait_screen "MUTED"

# ---- hang up; the wrap-up is saved ----
cl_keys x
cl_wait_screen "Wrap-up: call with Ann Lee"
cl_wait_http "$sim/sim/calls/$caller_sid" '"status":"completed"'
cl_keys Tab
cl_keys -l "asked about invoice 42"
cl_keys Enter
i=0
until [ -n "$(cl_sql "SELECT seq FROM events WHERE type = 'call.wrapup' AND
        data LIKE '%asked about invoice 42%'")" ]; do
    [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "the wrap-up was not saved: $(cl_sql \
        "SELECT type, data FROM events WHERE type = 'call.wrapup'")"
    sleep 0.1
    i=$((i + 1))
done
cl_wait_http "$base/api/v1/me" '"state":"available"' "$CL_WAIT" "$tok"
cl_wait_gone "Wrap-up: call with"

# ---- the history shows the call ----
cl_keys F4
cl_wait_screen "Outcome"
cl_wait_screen "Ann Lee"
cl_screen | grep "Ann Lee" | grep -q "+14155550123" || cl_fail "the history row lacks the number"

# ---- a hostile caller name: shown, harmlessly ----
cl_keys F2
evil='\u001b]0;pwned\u0007\u001b[2J\u001b[HEVIL\u001b[31mRED\u001b[0m\u202eexe.pdf\u0008\u0007\u007f'
cl_http POST "$sim/sim/calls" "{\"from\": \"+15105550139\", \"caller_name\": \"$evil\"}" >/dev/null
cl_wait_screen "Incoming call"
cl_wait_screen "EVIL"
screen=$(cl_screen)
echo "$screen" | grep -q "ann" || cl_fail "the status bar is gone after the hostile name"
echo "$screen" | grep -q "RED" || cl_fail "the name's text after its escape sequence is missing"
title=$(cl_tmux display-message -p -t console '#{pane_title}')
[ "$title" != pwned ] || cl_fail "the caller name set the window title"
printf '%s' "$screen" | LC_ALL=C grep -q $'\xe2\x80\xae' &&
    cl_fail "the right-to-left override reached the terminal"
# d declines: the daemon withdraws the offer (ringall may offer it to the only agent again).
cl_keys d
i=0
until [ -n "$(cl_sql "SELECT seq FROM events WHERE type = 'offer.withdrawn' AND
        data LIKE '%declined%'")" ]; do
    [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "d did not decline the offer"
    sleep 0.1
    i=$((i + 1))
done

# ---- q quits with status 0 ----
cl_keys q
status=$(cl_wait_exit)
[ "$status" = 0 ] || cl_fail "the console exited with status $status"
echo ok

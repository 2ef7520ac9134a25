#!/bin/sh
# The supervisors' alerts and bad-number screens in tmux against the daemon and the emulator
# (test-failures.ini), as a supervisor would use them: F9 shows no rule firing; an agent's two
# calls failing with the same error code push the error-code rule (threshold 1) past its
# threshold, and the rule appears in the list and in the status bar's count, live; a call to a
# bad number (13224) flags it, Tab shows it with its badge, n then y marks it do-not-call; a
# dial to it from the console is then refused with the daemon's reason, and so is the agent's.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/console_lib.sh"
cl_init console-alerts "$1"
cl_has_tmux || { echo "skipped: no tmux (make deps installs it)"; exit 0; }

FAILING=+14155550310 # fails with 31005 in the scenario
BAD=+14155550311     # fails with 13224, a bad number

cl_start_sim data/scenarios/test-failures.ini
cl_write_conf "[alerts]
answer_rate = off
error_code = 1
error_code_window = 900
duration_drop = off
recording = off"
cl_start_daemon
eve=$(cl_add_agent eve agent)
[ -n "$eve" ] || cl_fail "no token for eve: $(cat "$dir/agent.err")"
boss=$(cl_add_agent boss supervisor)
[ -n "$boss" ] || cl_fail "no token for boss: $(cat "$dir/agent.err")"


cl_console "$boss"
cl_wait_screen " live "
cl_wait_screen "F9Alerts"

# ---- F9: nothing fires yet ----
cl_keys F9
cl_wait_screen "0 firing now"
cl_wait_screen "No rule is firing."

# ---- two failures with the same code: the rule fires, live ----
cl_dial "$eve" "$FAILING" failed 1
cl_dial "$eve" "$FAILING" failed 2
cl_wait_screen "1 firing now"
screen=$(cl_screen)
echo "$screen" | grep -E '^ +error-code +error-code ' | grep -q "error 31005 2 times" ||
    cl_fail "the firing rule is not listed with its message"
echo "$screen" | head -n 1 | grep -Fq "1 alert" || cl_fail "the status bar does not count the alert"
echo "$screen" | grep -E '^ +[0-9:]+ +fired +error-code +2 ' >/dev/null ||
    cl_fail "the transition is not among the recent ones"
cl_keys F2
cl_wait_screen "Waiting callers"
cl_screen | head -n 1 | grep -Fq "1 alert" || cl_fail "the count is not shown on the queue screen"

# ---- a bad number: flagged, reviewed as do-not-call ----
cl_dial "$eve" "$BAD" failed 1
cl_keys F9
cl_wait_screen "1 firing now"
cl_keys Tab
cl_wait_screen "flagged for review"
cl_wait_screen "$BAD"
cl_screen | grep -F "$BAD" | grep -Fq "[13224 bad-number]" || cl_fail "no badge for the bad number"
cl_screen | grep -F "$BAD" | grep -Fq "bad number" || cl_fail "no reason for the bad number"
# select it (it is the latest failure: the first row), then n and y
cl_keys g
cl_keys n
cl_wait_screen "Mark $BAD do-not-call?"
cl_keys y
cl_wait_screen "$BAD is now do-not-call"
cl_wait_screen "0 flagged for review"
cl_http GET "$base/api/v1/numbers/flagged" "" "$boss" | grep -Fq "$BAD" &&
    cl_fail "the daemon still lists $BAD as flagged"

# ---- a dial to it is refused, with the reason ----
cl_keys F3
cl_wait_screen "Dial a number"
cl_keys -l "$BAD"
cl_keys Enter
cl_wait_screen "marked do-not-call by a reviewer"
out=$(cl_http POST "$base/api/v1/calls" "{\"to\": \"$BAD\"}" "$eve")
echo "$out" | grep -Fq '"code":"do_not_call"' || cl_fail "eve's dial to $BAD was not refused: $out"

cl_keys q
[ "$(cl_wait_exit)" = 0 ] || cl_fail "the console did not exit cleanly"
echo "ok"

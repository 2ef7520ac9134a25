#!/bin/sh
# The console started while its agent is in a call's wrap-up (the call accepted and hung up
# through the API): without a key being pressed, the wrap-up form opens with the daemon's own
# dispositions (GET /api/v1/me is sent as soon as the snapshot came, not at the next key),
# and Enter saves the first of them.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/console_lib.sh"
cl_init console-restore "$1"
cl_has_tmux || { echo "skipped: no tmux (make deps installs it)"; exit 0; }

cl_start_sim data/scenarios/test-basic.ini
cl_write_conf "[dispositions]
sorted = Sorted out at once
later = Call back later"
cl_start_daemon
tok=$(cl_add_agent cy agent)
[ -n "$tok" ] || cl_fail "no token for cy: $(cat "$dir/agent.err")"
cl_http POST "$base/api/v1/me/state" '{"state": "available"}' "$tok" >/dev/null

# ---- a call accepted through the API, before any console runs ----
cl_http POST "$sim/sim/calls" '{"from": "+14155550177", "caller_name": "Dee Restored"}' >/dev/null
cl_wait_http "$base/api/v1/calls/pending" '"Dee Restored"' "$CL_WAIT" "$tok"
sid=$(cl_http GET "$base/api/v1/calls/pending" "" "$tok" |
    cl_json "SELECT json_extract(value, '\$.sid') FROM json_each(@J, '\$.calls') LIMIT 1")
[ -n "$sid" ] || cl_fail "no waiting call"
cl_http POST "$base/api/v1/calls/$sid/accept" '{}' "$tok" | grep -q accepted ||
    cl_fail "the accept was refused"
cl_wait_http "$base/api/v1/me" '"state":"busy"' "$CL_WAIT" "$tok"
cl_wait_http "$sim/sim/calls" '"to":"client:cy"[^}]*"status":"in-progress"'
cl_http POST "$base/api/v1/calls/$sid/hangup" '{}' "$tok" >/dev/null
cl_wait_http "$base/api/v1/me" '"state":"wrap-up"' "$CL_WAIT" "$tok"

# ---- a new console in wrap-up: the form with its party and the daemon's dispositions ----
cl_console "$tok"
cl_wait_screen " live "
cl_wait_screen "Wrap-up: call with"
cl_wait_screen "Sorted out at once"
cl_wait_screen "Call back later"
cl_keys Enter
i=0
until [ -n "$(cl_sql "SELECT seq FROM events WHERE type = 'call.wrapup' AND
        data LIKE '%\"sorted\"%'")" ]; do
    [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "the wrap-up was not saved with the daemon's disposition"
    sleep 0.1
    i=$((i + 1))
done
cl_wait_gone "Wrap-up: call with"
cl_keys q
status=$(cl_wait_exit)
[ "$status" = 0 ] || cl_fail "the console exited with status $status"
echo ok

#!/bin/sh
# The history filter in tmux when the daemon matches an outcome within each page: a busy call
# older than the newest 50 calls (one page) is found by `/busy`, the console reading on past
# the page with no match instead of saying nothing matches; Enter opens it, explained.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/console_lib.sh"
cl_init console-history "$1"
cl_has_tmux || { echo "skipped: no tmux (make deps installs it)"; exit 0; }

cl_start_sim data/scenarios/test-basic.ini
cl_write_conf
cl_start_daemon
tok=$(cl_add_agent eve agent)
[ -n "$tok" ] || cl_fail "no token for eve: $(cat "$dir/agent.err")"

# ---- a busy call, then 60 newer callers (the agent is offline: they wait) ----
cl_http POST "$base/api/v1/me/state" '{"state": "available"}' "$tok" >/dev/null
cl_http POST "$base/api/v1/calls" '{"to": "+14155550203"}' "$tok" >/dev/null
cl_wait_http "$base/api/v1/calls?number=%2B14155550203" '"status":"busy"' "$CL_WAIT" "$tok"
cl_http POST "$base/api/v1/me/wrapup" '{"disposition": "resolved"}' "$tok" >/dev/null
cl_http POST "$base/api/v1/me/state" '{"state": "offline"}' "$tok" >/dev/null
for i in $(seq 10 69); do
    cl_http POST "$sim/sim/calls" "{\"from\": \"+141555501$i\", \"caller_name\": \"Caller $i\"}" \
        >/dev/null
done
cl_wait_http "$base/api/v1/calls?number=%2B14155550169" '"Caller 69"' "$CL_WAIT" "$tok"
first=$(cl_http GET "$base/api/v1/calls?outcome=busy&limit=50" "" "$tok")
echo "$first" | grep -q '"calls":\[\]' || cl_fail "the busy call is on the first page: $first"

cl_console "$tok"
cl_wait_screen " live "
cl_keys F4
cl_wait_screen "Caller 69"
cl_keys /
cl_keys -l "busy"
cl_keys Enter
cl_wait_screen "Filter: busy"
i=0
until cl_screen | grep -F "+14155550203" | grep -Fq "[31486 busy]"; do
    cl_screen | grep -Fq "No call matches the filter" && cl_fail "gave up on the first empty page"
    [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "the busy call was not found past the first page"
    sleep 0.1
    i=$((i + 1))
done
cl_keys Enter
cl_wait_screen "Timeline"
cl_wait_screen "[31486 busy] Busy Here"
cl_keys q # back to the history (q in the detail), then quit
cl_wait_screen "Filter: busy"
cl_keys q
status=$(cl_wait_exit)
[ "$status" = 0 ] || cl_fail "the console exited with status $status"
echo ok

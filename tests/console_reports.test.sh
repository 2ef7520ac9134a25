#!/bin/sh
# The reports screen in tmux against the daemon and the emulator: an agent dials the
# emulator's busy number, then a person who answers and talks for five seconds; the
# supervisor's console opens F11 and reads the answer rate of this hour (the busy call not
# answered, the other answered), Tab to the failure reasons (31486 busy, once), 3 the cost by
# day in the emulator's currency once the prices are in, 5 the agents (eve's calls), and
# :report with dates the daemon refuses, its error in words.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/console_lib.sh"
cl_init console-reports "$1"
cl_has_tmux || { echo "skipped: no tmux (make deps installs it)"; exit 0; }

cl_start_sim data/scenarios/test-basic.ini
cl_write_conf "[alerts]
price_delay = 0.5"
cl_start_daemon
tok=$(cl_add_agent eve agent)
[ -n "$tok" ] || cl_fail "no token for eve: $(cat "$dir/agent.err")"
boss=$(cl_add_agent boss supervisor)
[ -n "$boss" ] || cl_fail "no token for boss: $(cat "$dir/agent.err")"

# ---- the calls, as eve: a busy number, then a person who answers ----
cl_dial "$tok" +14155550203 busy
cl_dial "$tok" +14155550200 completed
# the hour of day (UTC: the daemon's zone here) the calls were made in; both, unless a clock
# struck the hour between them
hour=$(cl_sql "SELECT DISTINCT strftime('%H', created_ms / 1000, 'unixepoch') FROM calls
    WHERE parent_sid IS NULL")

cl_console "$boss"
cl_wait_screen " live "
cl_keys F11
cl_wait_screen "1 Answer rate"
cl_wait_screen "Days: today"

# ---- the answer rate: this hour, two calls, one answered ----
row_of() { cl_screen | grep -E "$1"; }
wait_row() { # PATTERN: until a row matches; r fetches again now and then
    local i=0
    until cl_screen | grep -Eq -- "$1"; do
        [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "no row matching '$1'"
        sleep 0.1
        i=$((i + 1))
        [ $((i % 50)) -eq 0 ] && cl_keys r
    done
}
cl_wait_screen "2 calls ended, 1 answered: 50.0%"
if [ "$(echo "$hour" | wc -l)" -eq 1 ]; then
    wait_row "^ *$hour:00 +2 +1 +50\.0% +█"
    row_of "^ *$hour:00 " | grep -Fq "██████████" || cl_fail "no bar for this hour"
fi

# ---- Tab: the failure reasons ----
cl_keys Tab
cl_wait_screen "1 failed call"
wait_row "^ *busy +31486 +busy +1 +100\.0% +Busy Here"

# ---- 5: the agents ----
cl_keys 5
# the busy call reached nobody, the answered one counts as handled
wait_row "^ *eve +2 +1 +- +0 +0"

# ---- 3: the cost by day, in the emulator's currency, once every leg has its price ----
cl_wait_http "$base/api/v1/reports/cost-by-day?range=today" '"priced":4' "$CL_WAIT" "$boss"
json=$(cl_http GET "$base/api/v1/reports/cost-by-day?range=today" "" "$boss")
cost=$(printf '%s' "$json" | cl_json "SELECT printf('%.4f', json_extract(@J, '\$.cost'))")
day=$(printf '%s' "$json" | cl_json "SELECT json_extract(@J, '\$.first_day')")
cl_keys 3
wait_row "^ *$day +2 +1 +$cost USD +$cost USD"
cl_wait_screen "$cost USD for 2 calls, 1 successful: $cost USD per successful call"

# ---- :report with a date the daemon refuses: its words ----
cl_keys :
cl_keys -l "report failures 2026-02-30 2026-03-01"
cl_keys Enter
cl_wait_screen "The report could not be loaded: from '2026-02-30' is not a date"
cl_wait_screen "Days: 2026-02-30 to 2026-03-01"
cl_keys q
[ "$(cl_wait_exit)" = 0 ] || cl_fail "the console did not exit cleanly"
echo "ok"
